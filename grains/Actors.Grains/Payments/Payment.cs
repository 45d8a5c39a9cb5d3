namespace Actors.Grains.Payments;

public enum PaymentStatus
{
    /// <summary>Reserved against the caps; the gateway has not answered (yet). Reconciliation finishes it.</summary>
    Processing,

    /// <summary>The issuer asked for step-up authentication: confirm again with the code.</summary>
    RequiresAction,
    Succeeded,
    Declined,

    /// <summary>Never charged: the reservation was given back.</summary>
    Released,
}

/// <summary>
/// One attempt to pay a checkout with one payment method. Its id is the gateway's idempotency key, so however
/// often it is asked about, it is charged at most once. Amounts are in the checkout's currency; the converted
/// amount is what counts against the caps.
/// </summary>
[GenerateSerializer, Immutable, Alias("payment-v1")]
public sealed record Payment(
    [property: Id(0)] string Id,
    [property: Id(1)] string CheckoutId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] long ConvertedAmount,
    [property: Id(5)] string CapCurrency,
    [property: Id(6)] string MethodId,
    [property: Id(7)] string Token,
    [property: Id(8)] string Brand,
    [property: Id(9)] string Last4,
    [property: Id(10)] string Channel,
    [property: Id(11)] string Description,
    [property: Id(12)] PaymentStatus Status,
    [property: Id(13)] string? DeclineReason,
    [property: Id(14)] long Refunded,
    [property: Id(15)] DateTimeOffset CreatedAt,
    [property: Id(16)] DateTimeOffset UpdatedAt,
    [property: Id(17)] int? StepUpTriesLeft = null)
{
    public const string Prefix = "pay_";

    public bool IsOpen => Status is PaymentStatus.Processing or PaymentStatus.RequiresAction;

    public long Refundable => Status == PaymentStatus.Succeeded ? Amount - Refunded : 0;
}

/// <summary>Money given back on a succeeded payment; never more than was captured.</summary>
[GenerateSerializer, Immutable, Alias("refund-v1")]
public sealed record Refund(
    [property: Id(0)] string Id,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string? Reason,
    [property: Id(5)] DateTimeOffset CreatedAt)
{
    public const string Prefix = "re_";
}

public enum RefundStatus
{
    /// <summary>Asked for and durable; the gateway has not answered (yet). Reconciliation finishes it.</summary>
    Pending,
    Succeeded,
    Failed,
}

/// <summary>A refund of a payment the customer state still holds, and how far it got.</summary>
[GenerateSerializer, Immutable, Alias("refund-entry-v1")]
public sealed record RefundEntry([property: Id(0)] Refund Refund, [property: Id(1)] RefundStatus Status);

/// <summary>A refund request: no amount refunds everything still refundable.</summary>
[GenerateSerializer, Immutable, Alias("refund-draft-v1")]
public sealed record RefundDraft(
    [property: Id(0)] long? Amount,
    [property: Id(1)] string? Reason);
