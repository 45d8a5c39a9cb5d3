namespace Actors.Grains.Payments;

/// <summary>
/// The card processor. Every charge carries the platform's payment id as its idempotency key, so asking twice
/// (a retry, a reconciliation) never charges twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Charges <see cref="ChargeRequest.Token"/>, or answers with what an earlier charge under the same payment id
    /// ended as. A charge waiting for step-up completes when the request carries the right code.
    /// </summary>
    Task<ChargeOutcome> Charge(ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>What became of the charge made under <paramref name="paymentId"/>; null when none was made.</summary>
    Task<ChargeOutcome?> Find(string paymentId, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a succeeded charge; the refund id is its idempotency key.</summary>
    Task<RefundOutcome> Refund(RefundRequest request, CancellationToken cancellationToken);
}

[GenerateSerializer, Immutable, Alias("charge-request-v1")]
public sealed record ChargeRequest(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Token,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? StepUpCode)
{
    /// <summary>The merchant asks the issuer to authenticate the customer (step-up) whatever the card would do.</summary>
    [Id(6)] public bool ChallengeRequested { get; init; }
}

[GenerateSerializer, Immutable, Alias("charge-outcome")]
public abstract record ChargeOutcome
{
    [GenerateSerializer, Immutable, Alias("charge-outcome-succeeded")]
    public sealed record Succeeded([property: Id(0)] string ChargeId) : ChargeOutcome;

    /// <summary>The issuer said no; <see cref="Reason"/> is a stable code such as <c>card_declined</c>.</summary>
    [GenerateSerializer, Immutable, Alias("charge-outcome-declined")]
    public sealed record Declined([property: Id(0)] string Reason) : ChargeOutcome;

    /// <summary>
    /// The issuer wants the customer to authenticate: charge again with the step-up code. <see cref="TriesLeft"/> is
    /// how many codes it will still take (null when the gateway does not say).
    /// </summary>
    [GenerateSerializer, Immutable, Alias("charge-outcome-requires-action")]
    public sealed record RequiresAction([property: Id(0)] int? TriesLeft = null) : ChargeOutcome;
}

[GenerateSerializer, Immutable, Alias("refund-request-v1")]
public sealed record RefundRequest(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency);

[GenerateSerializer, Immutable, Alias("refund-outcome")]
public abstract record RefundOutcome
{
    [GenerateSerializer, Immutable, Alias("refund-outcome-refunded")]
    public sealed record Refunded : RefundOutcome;

    /// <summary>The gateway refused, e.g. <c>exceeds_captured</c> or <c>charge_not_found</c>.</summary>
    [GenerateSerializer, Immutable, Alias("refund-outcome-rejected")]
    public sealed record Rejected([property: Id(0)] string Reason) : RefundOutcome;
}
