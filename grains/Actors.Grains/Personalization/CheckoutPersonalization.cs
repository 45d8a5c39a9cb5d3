using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Experiments;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;

namespace Actors.Grains.Personalization;

/// <summary>
/// What the checkout's personalization rules read of a customer: each part is present only when its purpose is
/// granted, so a rule cannot use data gathered under a purpose the customer withdrew. Purchases come through the
/// gate's view of the customer (<see cref="ConsentGate.Customer"/>); segments and the request's country are left out
/// here unless marketing and location are granted.
/// </summary>
public sealed record PersonalizationInputs(
    IReadOnlyList<MethodSuccess>? MethodSuccesses,
    IReadOnlySet<Segment>? Segments,
    string? Country)
{
    public static PersonalizationInputs From(CustomerState state, ConsentGate gate, string? country, long highValueSpend, DateTimeOffset now) => new(
        gate.Allows(ConsentPurpose.Personalization)
            ? [.. gate.Customer.Purchases.Select(payment => new MethodSuccess(payment.MethodId, payment.CreatedAt))]
            : null,
        gate.Allows(ConsentPurpose.Marketing) ? Personalization.Segments.Of(state.Commerce.Stats, state.Profile!.CreatedAt, highValueSpend, now) : null,
        gate.Allows(ConsentPurpose.Location) ? country : null);
}

/// <summary>Why one part of a checkout summary is as it is, and the purpose (if any) whose data shaped it.</summary>
[GenerateSerializer, Immutable, Alias("choice-reason-v1")]
public sealed record ChoiceReason([property: Id(0)] string Choice, [property: Id(1)] string? Purpose, [property: Id(2)] string Text);

/// <summary>The loyalty side of a checkout: the balance before it, what it redeems and what paying it earns.</summary>
[GenerateSerializer, Immutable, Alias("checkout-points-v1")]
public sealed record CheckoutPoints(
    [property: Id(0)] long Balance,
    [property: Id(1)] long Redeemed,
    [property: Id(2)] long Discount,
    [property: Id(3)] long Earns,
    [property: Id(4)] long MaxRedeemable);

/// <summary>The personalized parts of a checkout summary, with the purposes that shaped it and a reason for each choice.</summary>
[GenerateSerializer, Immutable, Alias("personalized-v1")]
public sealed record Personalized(
    [property: Id(0)] ImmutableList<string> PersonalizedBy,
    [property: Id(1)] ImmutableList<ChoiceReason> Reasons,
    [property: Id(2)] DisplayChoice Display,
    [property: Id(3)] long? DisplayTotal,
    [property: Id(4)] CheckoutPoints Points);

/// <summary>
/// Orchestrates the pure policies for one checkout: first the price (an offer, redeemed points), then how it is
/// offered (methods in order, risk, display currency). The grain only passes in state, consent and settings.
/// </summary>
public static class CheckoutPersonalization
{
    private static readonly string PersonalizationPurpose = ConsentPurposes.NameOf(ConsentPurpose.Personalization);
    private static readonly string MarketingPurpose = ConsentPurposes.NameOf(ConsentPurpose.Marketing);
    private static readonly string LocationPurpose = ConsentPurposes.NameOf(ConsentPurpose.Location);

    /// <summary>
    /// The checkout with its offer and points applied and its risk assessed, or the refusal when the points asked for
    /// cannot be redeemed. <paramref name="checkout"/>'s total is the lines' sum on the way in.
    /// </summary>
    public static MoneyResult? Price(
        CustomerState state, Checkout checkout, CheckoutDraft draft, ConsentGate gate, bool newDevice,
        PersonalizationSettings settings, ExchangeRates rates, DateTimeOffset now, out Checkout priced)
    {
        priced = checkout;
        var commerce = state.Commerce;
        var inputs = PersonalizationInputs.From(state, gate, draft.Country, HighValueSpend(state, settings, rates), now);
        var variants = ExperimentAssignment.Of(settings.Experiments, state.Profile!.CustomerId);
        var offers = settings.Offers.Where(offer => !ExperimentAssignment.TurnsOff(settings.Experiments, variants, ExperimentStrategy.Offer, offer.Id));
        var offer = OfferRules.Best(offers,
            new OfferContext(checkout.Total, checkout.Currency, checkout.Channel, FirstPurchase: commerce.Stats.Purchases == 0, inputs.Segments));
        var afterOffer = checkout.Total - (offer?.Discount ?? 0);

        PointsRedemption? points = null;
        if (draft.RedeemPoints != 0)
        {
            points = LoyaltyRules.Redeem(commerce.Points, draft.RedeemPoints, afterOffer, checkout.Currency, settings.Loyalty, rates);
            if (points is null)
            {
                var most = LoyaltyRules.MaxRedeemable(commerce.Points, afterOffer, checkout.Currency, settings.Loyalty, rates);
                return new MoneyResult.Invalid(new Dictionary<string, string[]>
                {
                    ["redeemPoints"] = [$"must be between 1 and {most}: you have {commerce.Points} points and at most {settings.Loyalty.MaxRedeemPercent}% of a purchase can be paid with them"],
                });
            }
        }
        var total = afterOffer - (points?.Discount ?? 0);
        if (!rates.TryConvert(total, checkout.Currency, checkout.CapCurrency, out var converted))
        {
            return new MoneyResult.UnsupportedCurrency(checkout.Currency, checkout.CapCurrency);
        }
        var risk = settings.RiskChecks
            ? RiskScore.Assess(new RiskSignals(newDevice, converted, commerce.Stats.UsualAmount,
                commerce.Payments.Count(payment => now - payment.CreatedAt <= TimeSpan.FromHours(1))))
            : RiskAssessment.None;
        priced = checkout with
        {
            Subtotal = checkout.Total,
            Total = total,
            ConvertedTotal = converted,
            Offer = offer,
            Points = points,
            PointsEarned = LoyaltyRules.Earned(total, checkout.Currency, settings.Loyalty, rates),
            Risk = risk,
            Country = inputs.Country?.ToUpperInvariant(),
            Experiments = variants,
            CountsInExperiments = gate.Allows(ConsentPurpose.Analytics) && !variants.IsEmpty,
        };
        return null;
    }

    /// <summary>How <paramref name="checkout"/> is offered now: methods in order (risky ones left out), display, reasons.</summary>
    public static (ImmutableList<PaymentMethod> Methods, Personalized Personalized) Present(
        CustomerState state, Checkout checkout, ConsentGate gate, PersonalizationSettings settings, ExchangeRates rates, DateTimeOffset now)
    {
        var commerce = state.Commerce;
        var inputs = PersonalizationInputs.From(state, gate, checkout.Country, HighValueSpend(state, settings, rates), now);
        var reasons = ImmutableList.CreateBuilder<ChoiceReason>();
        var by = new SortedSet<string>(StringComparer.Ordinal);

        ImmutableList<PaymentMethod> methods;
        if (ExperimentAssignment.TurnsOff(settings.Experiments, checkout.Experiments, ExperimentStrategy.MethodRanking))
        {
            methods = MethodRanking.Neutral(commerce.Wallet, now);
            reasons.Add(new ChoiceReason("payment_methods", null,
                "Cards are listed with your preferred card first, then the most recently saved: you are in the comparison group of an experiment."));
        }
        else if (inputs.MethodSuccesses is { } successes)
        {
            (methods, var why) = MethodRanking.ByOwnSuccesses(commerce.Wallet, successes, now);
            reasons.AddRange(why.Select(text => new ChoiceReason("payment_methods", PersonalizationPurpose, text)));
            if (why.Count > 0)
            {
                by.Add(PersonalizationPurpose);
            }
        }
        else
        {
            methods = MethodRanking.Neutral(commerce.Wallet, now);
            reasons.Add(new ChoiceReason("payment_methods", null,
                "Cards are listed with your preferred card first, then the most recently saved: personalization is off."));
        }
        if (checkout.Risk.HidesUnprovenMethods)
        {
            var proven = Proven(commerce);
            var kept = methods.RemoveAll(method => !proven.Contains(method.Id));
            if (!kept.IsEmpty)
            {
                methods = kept;
                reasons.Add(new ChoiceReason("payment_methods", null, "Only cards you have paid with before are offered for this purchase, to protect you."));
            }
        }
        reasons.AddRange(checkout.Risk.Factors.Select(factor => new ChoiceReason("risk", null, factor.Reason)));
        if (checkout.Risk.RequiresStepUp)
        {
            reasons.Add(new ChoiceReason("risk", null, "Your bank will ask you to confirm this payment."));
        }

        var profile = state.Profile!;
        var display = DisplayPreferences.Choose(profile.HomeCurrency, profile.PreferredLanguage, checkout.Currency, inputs.Country,
            mayUseLocation: inputs.Country is not null, rates);
        reasons.Add(new ChoiceReason("display_currency", display.FromLocation ? LocationPurpose : null, display.Reason));
        if (display.FromLocation)
        {
            by.Add(LocationPurpose);
        }

        if (checkout.Offer is { } offer)
        {
            reasons.Add(new ChoiceReason("offer", offer.Targeted ? MarketingPurpose : null, offer.Reason));
            if (offer.Targeted)
            {
                by.Add(MarketingPurpose);
            }
        }
        var redeemed = checkout.Points ?? new PointsRedemption(0, 0);
        var balance = checkout.Status == CheckoutStatus.RequiresConfirmation ? commerce.Points : commerce.Points + redeemed.Points;
        var points = new CheckoutPoints(balance, redeemed.Points, redeemed.Discount, checkout.PointsEarned,
            LoyaltyRules.MaxRedeemable(balance, checkout.Subtotal - (checkout.Offer?.Discount ?? 0), checkout.Currency, settings.Loyalty, rates));
        reasons.Add(new ChoiceReason("loyalty_points", null, redeemed.Points > 0
            ? $"You pay {redeemed.Points} of your {balance} points towards this purchase, and earn {checkout.PointsEarned} when it is paid."
            : $"You have {balance} points; this purchase earns {checkout.PointsEarned}."));

        return (methods, new Personalized([.. by], reasons.ToImmutable(), display,
            DisplayPreferences.Shown(checkout.Total, checkout.Currency, display, rates), points));
    }

    /// <summary>The saved methods the customer has paid with before.</summary>
    public static IReadOnlySet<string> Proven(CommerceState commerce) =>
        commerce.Payments.Where(payment => payment.Status == PaymentStatus.Succeeded)
            .Select(payment => payment.MethodId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The high-value threshold in the customer's cap currency (the setting is in the loyalty currency).</summary>
    private static long HighValueSpend(CustomerState state, PersonalizationSettings settings, ExchangeRates rates) =>
        state.Commerce.CapCurrency is { } capCurrency && rates.TryConvert(settings.HighValueSpend, settings.Loyalty.Currency, capCurrency, out var converted)
            ? converted
            : settings.HighValueSpend;
}
