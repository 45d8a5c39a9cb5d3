using Actors.Grains.Checkouts;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.Wallets;

namespace Actors.Api.Payments;

public sealed record PaymentMethodView(string Id, string Brand, string Last4, int ExpiryMonth, int ExpiryYear, string BillingCountry, bool Preferred)
{
    public static PaymentMethodView From(PaymentMethod method, string? preferredId) =>
        new(method.Id, method.Brand, method.Last4, method.ExpiryMonth, method.ExpiryYear, method.BillingCountry, method.Id == preferredId);
}

/// <summary>How much can still be spent in one window before its cap, in the caps' currency.</summary>
public sealed record HeadroomView(string Window, long Cap, long Spent, long Remaining, string Currency, DateTimeOffset ResetsAt)
{
    public static HeadroomView From(Headroom headroom, string currency) =>
        new(WireNames.Of(headroom.Window), headroom.Cap, headroom.Spent, headroom.Remaining, currency, headroom.ResetsAt);
}

/// <summary>A line at the price it was created with; <c>catalogVersion</c> is the catalog item's version that gave it.</summary>
public sealed record CheckoutLineView(string Sku, string Name, long UnitPrice, int Quantity, long Amount, long CatalogVersion);

/// <summary>
/// A checkout as created: what will be paid, in <see cref="Currency"/>, and what it counts as against the caps
/// (<see cref="ConvertedTotal"/> in <see cref="CapCurrency"/>, converted with the configured rate and rounded half away from zero).
/// </summary>
public sealed record CheckoutView(
    string Id,
    string Status,
    string Currency,
    long Total,
    string CapCurrency,
    long ConvertedTotal,
    string Description,
    bool FromCart,
    CheckoutLineView[] Lines,
    PaymentMethodView[] PaymentMethods,
    HeadroomView[] Headroom,
    string? PaymentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    long Subtotal,
    OfferView? Offer,
    PersonalizationView? Personalization,
    RiskView Risk)
{
    public static CheckoutView From(CheckoutSummary summary) =>
        From(summary.Checkout, summary.PaymentMethods, summary.PreferredMethodId, summary.Headroom, summary.Personalized);

    private static CheckoutView From(
        Checkout checkout, IEnumerable<PaymentMethod> methods, string? preferredId, IEnumerable<Headroom> headroom, Personalized? personalized) => new(
        checkout.Id,
        WireNames.Of(checkout.Status),
        checkout.Currency,
        checkout.Total,
        checkout.CapCurrency,
        checkout.ConvertedTotal,
        checkout.Description,
        checkout.FromCart,
        [.. checkout.Lines.Select(line => new CheckoutLineView(line.Sku, line.Name, line.UnitPrice, line.Quantity, line.UnitPrice * line.Quantity, line.CatalogVersion))],
        [.. methods.Select(method => PaymentMethodView.From(method, preferredId))],
        [.. headroom.Select(room => HeadroomView.From(room, checkout.CapCurrency))],
        checkout.PaymentId,
        checkout.CreatedAt,
        checkout.ExpiresAt,
        // Checkouts created before offers and points existed have no subtotal of their own.
        checkout.Subtotal == 0 ? checkout.Total : checkout.Subtotal,
        checkout.Offer is { } offer ? new OfferView(offer.OfferId, offer.Title, offer.Discount) : null,
        personalized is null ? null : PersonalizationView.From(personalized),
        new RiskView(checkout.Risk.Score, checkout.Risk.RequiresStepUp, checkout.Risk.HidesUnprovenMethods,
            [.. checkout.Risk.Factors.Select(factor => new RiskFactorView(factor.Code, factor.Points, factor.Reason))]));
}

public sealed record OfferView(string Id, string Title, long Discount);

public sealed record RiskFactorView(string Code, int Points, string Reason);

/// <summary>An explainable risk score: from 40 the bank asks for step-up, from 70 only cards paid with before are offered.</summary>
public sealed record RiskView(int Score, bool RequiresStepUp, bool OnlyProvenMethods, RiskFactorView[] Factors);

public sealed record ReasonView(string Choice, string? Purpose, string Text);

public sealed record DisplayView(string Currency, string Locale, long? Total);

public sealed record PointsView(long Balance, long Redeemed, long Discount, long Earns, long MaxRedeemable);

/// <summary>
/// The "why am I seeing this" of a checkout: the consent purposes whose data shaped it (empty when none did) and a
/// plain-language reason for each choice.
/// </summary>
public sealed record PersonalizationView(string[] PersonalizedBy, ReasonView[] Reasons, DisplayView Display, PointsView Points)
{
    public static PersonalizationView From(Personalized personalized) => new(
        [.. personalized.PersonalizedBy],
        [.. personalized.Reasons.Select(reason => new ReasonView(reason.Choice, reason.Purpose, reason.Text))],
        new DisplayView(personalized.Display.Currency, personalized.Display.Locale, personalized.DisplayTotal),
        new PointsView(personalized.Points.Balance, personalized.Points.Redeemed, personalized.Points.Discount,
            personalized.Points.Earns, personalized.Points.MaxRedeemable));
}

public sealed record PaymentMethodSummary(string Id, string Brand, string Last4);

/// <summary>
/// What the customer must do next: for step-up, confirm the checkout again with the code; <see cref="TriesLeft"/>
/// is how many codes the card's issuer will still take (null when it did not say).
/// </summary>
public sealed record NextAction(string Type, string Detail, int? TriesLeft);

public sealed record PaymentView(
    string Id,
    string CheckoutId,
    string Status,
    long Amount,
    string Currency,
    long ConvertedAmount,
    string CapCurrency,
    long RefundedAmount,
    PaymentMethodSummary PaymentMethod,
    string? DeclineReason,
    NextAction? NextAction,
    string Channel,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PaymentView From(Payment payment) => new(
        payment.Id,
        payment.CheckoutId,
        WireNames.Of(payment.Status),
        payment.Amount,
        payment.Currency,
        payment.ConvertedAmount,
        payment.CapCurrency,
        payment.Refunded,
        new PaymentMethodSummary(payment.MethodId, payment.Brand, payment.Last4),
        payment.DeclineReason,
        payment.Status == PaymentStatus.RequiresAction
            ? new NextAction("step_up", "Confirm the checkout again with the stepUpCode the customer received.", payment.StepUpTriesLeft)
            : null,
        payment.Channel,
        payment.Description,
        payment.CreatedAt,
        payment.UpdatedAt);
}

public sealed record RefundView(string Id, string PaymentId, long Amount, string Currency, string? Reason, DateTimeOffset CreatedAt, long PaymentRefundedAmount, long PaymentRefundable);
