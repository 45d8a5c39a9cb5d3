using Actors.Grains.Checkouts;
using Actors.Grains.Limits;

namespace Actors.Grains.Payments;

/// <summary>
/// The outcome of a request that moves money (create a checkout, confirm it, refund). Errors a caller can cause are
/// values. Outcomes are stored under the request's idempotency key, so a retry gets the same answer.
/// </summary>
[GenerateSerializer, Immutable, Alias("money-result")]
public abstract record MoneyResult
{
    /// <summary>Whether a retry with the same key must get this answer again: everything that ran, not what was refused up front.</summary>
    public virtual bool IsReplayable => true;

    /// <summary>Too many wrong step-up codes lately: no code is tried until <paramref name="Until"/>.</summary>
    [GenerateSerializer, Immutable, Alias("money-result-step-up-locked")]
    public sealed record StepUpLocked([property: Id(0)] DateTimeOffset Until) : MoneyResult
    {
        // The lock ends by itself: a retry after it must be decided again.
        public override bool IsReplayable => false;
    }

    [GenerateSerializer, Immutable, Alias("money-result-checkout-created")]
    public sealed record CheckoutCreated([property: Id(0)] CheckoutSummary Summary) : MoneyResult;

    /// <summary>What a confirmation came to: succeeded, declined, requires_action or processing.</summary>
    [GenerateSerializer, Immutable, Alias("money-result-payment")]
    public sealed record PaymentResult([property: Id(0)] Payment Payment) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-refunded")]
    public sealed record Refunded([property: Id(0)] Refund Refund, [property: Id(1)] Payment Payment) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-cap-exceeded")]
    public sealed record CapExceeded(
        [property: Id(0)] CapWindow Window,
        [property: Id(1)] long Cap,
        [property: Id(2)] long Remaining,
        [property: Id(3)] string Currency,
        [property: Id(4)] DateTimeOffset ResetsAt) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-self-excluded")]
    public sealed record SelfExcluded([property: Id(0)] DateTimeOffset Until) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-checkout-expired")]
    public sealed record CheckoutExpired([property: Id(0)] string CheckoutId, [property: Id(1)] DateTimeOffset ExpiredAt) : MoneyResult;

    /// <summary>The checkout is already paid, or a payment of it is still being decided.</summary>
    [GenerateSerializer, Immutable, Alias("money-result-checkout-closed-v2")]
    public sealed record CheckoutClosed(
        [property: Id(0)] string CheckoutId,
        [property: Id(1)] CheckoutStatus Status,
        [property: Id(2)] string? PaymentId) : MoneyResult;

    /// <summary>The checkout redeems more loyalty points than the customer has left (others were spent meanwhile).</summary>
    [GenerateSerializer, Immutable, Alias("money-result-points-unavailable")]
    public sealed record PointsUnavailable([property: Id(0)] long Needed, [property: Id(1)] long Balance) : MoneyResult;

    /// <summary>The risk of the checkout leaves this card out: only cards the customer has paid with before may pay it.</summary>
    [GenerateSerializer, Immutable, Alias("money-result-method-not-offered")]
    public sealed record MethodNotOffered([property: Id(0)] string PaymentMethodId) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-cart-empty")]
    public sealed record CartEmpty : MoneyResult;

    /// <summary>
    /// The catalog has no active item with this SKU. Not kept under the key: the merchant may add the item, and a retry
    /// should then see it.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("money-result-unknown-sku")]
    public sealed record UnknownSku([property: Id(0)] string Sku) : MoneyResult
    {
        public override bool IsReplayable => false;
    }

    [GenerateSerializer, Immutable, Alias("money-result-unsupported-currency")]
    public sealed record UnsupportedCurrency([property: Id(0)] string From, [property: Id(1)] string To) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-refund-exceeds-captured")]
    public sealed record RefundExceedsCaptured([property: Id(0)] long Refundable, [property: Id(1)] string Currency) : MoneyResult;

    [GenerateSerializer, Immutable, Alias("money-result-not-found")]
    public sealed record NotFound([property: Id(0)] MissingThing What) : MoneyResult
    {
        // A customer that does not exist yet may exist on a retry; everything else that is missing stays missing.
        public override bool IsReplayable => What != MissingThing.Customer;
    }

    [GenerateSerializer, Immutable, Alias("money-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : MoneyResult
    {
        public override bool IsReplayable => false;
    }

    /// <summary>The gateway did not answer a refund; retrying with the same key asks for the same refund again.</summary>
    [GenerateSerializer, Immutable, Alias("money-result-gateway-unavailable")]
    public sealed record GatewayUnavailable : MoneyResult
    {
        public override bool IsReplayable => false;
    }

    [GenerateSerializer, Immutable, Alias("money-result-idempotency-mismatch")]
    public sealed record IdempotencyMismatch : MoneyResult
    {
        public override bool IsReplayable => false;
    }

    [GenerateSerializer, Immutable, Alias("money-result-idempotency-in-flight")]
    public sealed record IdempotencyInFlight : MoneyResult
    {
        public override bool IsReplayable => false;
    }
}

public enum MissingThing
{
    Customer,
    Checkout,
    PaymentMethod,
    Payment,
}
