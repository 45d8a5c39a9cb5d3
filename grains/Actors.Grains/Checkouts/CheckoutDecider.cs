using Actors.Grains.Catalog;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Money;
using Actors.Grains.Payments;

namespace Actors.Grains.Checkouts;

/// <summary>Step one of a payment: a checkout and the personalized summary it answers with. Nothing is charged.</summary>
public static class CheckoutDecider
{
    public static Decision<MoneyResult> Create(
        CustomerState state, string checkoutId, CheckoutDraft draft, Func<string, CatalogItem?> priceOf, string channel, ExchangeRates rates,
        TimeSpan lifetime, DateTimeOffset now)
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

        var refusal = CheckoutRules.Build(checkoutId, draft, commerce.Cart, priceOf, state.CapCurrency, rates, channel, now, lifetime, out var checkout);
        if (refusal is not null)
        {
            return Decision.Answer(refusal);
        }
        var summary = new CheckoutSummary(checkout!, commerce.Wallet.Ranked(now), commerce.Wallet.PreferredId,
            [.. SpendingPolicy.Headroom(limits, commerce.Spend, now, state.Zone)]);
        return Decision.Emit<MoneyResult>(new MoneyResult.CheckoutCreated(summary), new CheckoutCreated(summary) { At = now });
    }

    /// <summary>A checkout as it stands, with the methods and headroom it would be offered with now; null when there is none.</summary>
    public static CheckoutSummary? Summary(CustomerState state, string checkoutId, DateTimeOffset now)
    {
        var commerce = state.Commerce;
        if (state.Profile is null || !commerce.Checkouts.TryGetValue(checkoutId, out var checkout))
        {
            return null;
        }
        var limits = SpendingPolicy.EffectiveAt(commerce.Limits, now);
        return new CheckoutSummary(checkout, commerce.Wallet.Ranked(now), commerce.Wallet.PreferredId,
            [.. SpendingPolicy.Headroom(limits, commerce.Spend, now, state.Zone)]);
    }
}
