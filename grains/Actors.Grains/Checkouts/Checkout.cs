using System.Collections.Immutable;
using Actors.Grains.Limits;
using Actors.Grains.Personalization;
using Actors.Grains.Wallets;

namespace Actors.Grains.Checkouts;

/// <summary>
/// A line being paid for, at the unit price of the catalog version it was created with (0 for checkouts made before
/// prices came from the catalog); the checkout's currency applies to every line. A later price change leaves it as it is.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkout-line-v1")]
public sealed record CheckoutLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Name,
    [property: Id(2)] long UnitPrice,
    [property: Id(3)] int Quantity,
    [property: Id(4)] long CatalogVersion = 0);

public enum CheckoutStatus
{
    RequiresConfirmation,
    Processing,
    RequiresAction,
    Succeeded,
}

/// <summary>
/// The first step of a payment: what is about to be paid, frozen, until <see cref="ExpiresAt"/>. Nothing is
/// charged until the customer confirms it. <see cref="ConvertedTotal"/> is the total in the caps' currency.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkout-v1")]
public sealed record Checkout(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableList<CheckoutLine> Lines,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Total,
    [property: Id(4)] string CapCurrency,
    [property: Id(5)] long ConvertedTotal,
    [property: Id(6)] bool FromCart,
    [property: Id(7)] string Description,
    [property: Id(8)] string Channel,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset ExpiresAt,
    [property: Id(11)] CheckoutStatus Status,
    [property: Id(12)] string? PaymentId)
{
    public const string Prefix = "chk_";

    /// <summary>The lines' sum before the offer and points; <see cref="Total"/> is what is charged.</summary>
    [Id(13)] public long Subtotal { get; init; }

    /// <summary>The offer applied when the checkout was created, and what it took off (in <see cref="Currency"/>).</summary>
    [Id(14)] public AppliedOffer? Offer { get; init; }

    /// <summary>Loyalty points paying part of it: reserved with the payment, given back if it is released.</summary>
    [Id(15)] public PointsRedemption? Points { get; init; }

    /// <summary>Points the customer earns when it is paid.</summary>
    [Id(16)] public long PointsEarned { get; init; }

    /// <summary>The risk it was created with: step-up required, and whether only cards paid with before may pay.</summary>
    [Id(17)] public RiskAssessment Risk { get; init; } = RiskAssessment.None;

    /// <summary>The country the request came from, kept only when the customer allowed location to be used.</summary>
    [Id(18)] public string? Country { get; init; }

    /// <summary>The customer's variant of each experiment running when the checkout was created.</summary>
    [Id(19)] public ImmutableSortedDictionary<string, string> Experiments { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Whether the checkout counts in the experiments' figures: only with the <c>analytics</c> consent.</summary>
    [Id(20)] public bool CountsInExperiments { get; init; }

    /// <summary>The device (or store till) that created it.</summary>
    [Id(21)] public string? DeviceId { get; init; }

    /// <summary>The till that created it, when it is a store-till checkout: only that till follows it live.</summary>
    public string? TillId => Channel == Sessions.Channels.Pos ? DeviceId : null;

    /// <summary>A till checkout the customer pays on their phone: their devices offer it, the till waits.</summary>
    [Id(22)] public bool HandedToPhone { get; init; }

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;
}

/// <summary>What a client asks to pay for: explicit lines, or (when <see cref="Lines"/> is null) the shared cart.</summary>
[GenerateSerializer, Immutable, Alias("checkout-draft-v1")]
public sealed record CheckoutDraft(
    [property: Id(0)] ImmutableList<CheckoutDraftLine>? Lines,
    [property: Id(1)] string? Description)
{
    /// <summary>The ISO 3166 country the request comes from; used for display only with the <c>location</c> consent.</summary>
    [Id(2)] public string? Country { get; init; }

    /// <summary>Loyalty points to pay part of the checkout with.</summary>
    [Id(3)] public long RedeemPoints { get; init; }

    /// <summary>A store till hands the payment to the customer's own devices (see <see cref="Checkout.HandedToPhone"/>).</summary>
    [Id(4)] public bool HandedToPhone { get; init; }
}

/// <summary>A line a device asks for: a SKU and a quantity; the price comes from the catalog.</summary>
[GenerateSerializer, Immutable, Alias("checkout-draft-line-v1")]
public sealed record CheckoutDraftLine(
    [property: Id(0)] string? Sku,
    [property: Id(4)] int Quantity);

/// <summary>
/// The personalized summary a checkout returns: the payment methods in the order to offer them (preferred
/// first) and the headroom left under each cap, in <see cref="Checkout.CapCurrency"/>, before this payment.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkout-summary-v1")]
public sealed record CheckoutSummary(
    [property: Id(0)] Checkout Checkout,
    [property: Id(1)] ImmutableList<PaymentMethod> PaymentMethods,
    [property: Id(2)] string? PreferredMethodId,
    [property: Id(3)] ImmutableList<Headroom> Headroom)
{
    /// <summary>What shaped the summary, with the consent each part used and why (null in summaries stored before it existed).</summary>
    [Id(4)] public Personalized? Personalized { get; init; }
}

/// <summary>The explicit confirmation of a checkout: which saved method pays, and the step-up code when one was asked for.</summary>
[GenerateSerializer, Immutable, Alias("confirm-draft-v1")]
public sealed record ConfirmDraft(
    [property: Id(0)] string? PaymentMethodId,
    [property: Id(1)] string? StepUpCode);
