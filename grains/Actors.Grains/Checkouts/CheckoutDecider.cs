using Actors.Grains.Catalog;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;

namespace Actors.Grains.Checkouts;

/// <summary>Step one of a payment: a checkout and the personalized summary it answers with. Nothing is charged.</summary>
public static class CheckoutDecider
{
    /// <param name="deviceId">The device asking, for the risk score (a device first seen within a day is new).</param>
    public static Decision<MoneyResult> Create(
        CustomerState state, string checkoutId, CheckoutDraft draft, Func<string, CatalogItem?> priceOf, string channel, string? deviceId,
        ExchangeRates rates, PersonalizationSettings personalization, TimeSpan lifetime, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<MoneyResult>(new MoneyResult.NotFound(MissingThing.Customer));
        }
        var commerce = state.Commerce;
        var limits = SpendingPolicy.EffectiveAt(commerce.Limits, now);
        if (SpendingPolicy.IsExcluded(limits, now))
        {
            return Decision.Answer<MoneyResult>(new MoneyResult.SelfExcluded(limits.ExcludedUntil!.Value));
        }

        var refusal = CheckoutRules.Build(checkoutId, draft, commerce.Cart, priceOf, state.CapCurrency, rates, channel, now, lifetime, out var built)
            ?? CheckoutPersonalization.Price(state, built!, draft, ConsentGate.Of(state), IsNewDevice(state, deviceId, now),
                personalization, rates, now, out built);
        if (refusal is not null)
        {
            return Decision.Answer(refusal);
        }
        var summary = SummaryOf(state, built! with { DeviceId = deviceId, HandedToPhone = draft.HandedToPhone && channel == Sessions.Channels.Pos }, personalization, rates, now);
        return Decision.Emit<MoneyResult>(new MoneyResult.CheckoutCreated(summary), new CheckoutCreated(summary) { At = now });
    }

    /// <summary>A device seen for the first time less than a day ago (or never) counts as new for the risk score.</summary>
    public static readonly TimeSpan NewDeviceFor = TimeSpan.FromDays(1);

    private static bool IsNewDevice(CustomerState state, string? deviceId, DateTimeOffset now) =>
        state.Sessions.Sessions.Find(session => session.DeviceId == deviceId) is not { } seen || now - seen.FirstSeen < NewDeviceFor;

    /// <summary>The summary as the checkout would be offered now: consent is read afresh, prices stay as created.</summary>
    private static CheckoutSummary SummaryOf(CustomerState state, Checkout checkout, PersonalizationSettings personalization, ExchangeRates rates, DateTimeOffset now)
    {
        var commerce = state.Commerce;
        var limits = SpendingPolicy.EffectiveAt(commerce.Limits, now);
        var (methods, personalized) = CheckoutPersonalization.Present(state, checkout, ConsentGate.Of(state), personalization, rates, now);
        return new CheckoutSummary(checkout, methods, commerce.Wallet.PreferredId, [.. SpendingPolicy.Headroom(limits, commerce.Spend, now, state.Zone)])
        {
            Personalized = personalized,
        };
    }

    /// <summary>A checkout as it stands, with the methods and headroom it would be offered with now; null when there is none.</summary>
    public static CheckoutSummary? Summary(CustomerState state, string checkoutId, PersonalizationSettings personalization, ExchangeRates rates, DateTimeOffset now) =>
        state.Profile is not null && state.Commerce.Checkouts.TryGetValue(checkoutId, out var checkout)
            ? SummaryOf(state, checkout, personalization, rates, now)
            : null;
}
