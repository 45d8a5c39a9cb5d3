using Actors.Grains.Journal;
using Actors.Grains.Retention;

namespace Actors.Grains.Payments;

/// <summary>
/// Money was held against the caps for a new payment (status processing), on the customer's local day
/// <see cref="Day"/>. Appended, and durable, before the gateway hears of the payment.
/// </summary>
[GenerateSerializer, Immutable, Alias("payment-reserved-v1")]
public sealed record PaymentReserved([property: Id(0)] Payment Payment, [property: Id(1)] DateOnly Day) : JournalEvent, IHoldsPersonalData
{
    public JournalEvent WithoutPersonalData() => this with { Payment = AgedData.Anonymous(Payment) };
}

/// <summary>
/// The issuer asked for step-up authentication, or asked again after a wrong code, with <see cref="TriesLeft"/> codes
/// it will still take (null when it did not say); the reservation stays.
/// </summary>
[GenerateSerializer, Immutable, Alias("payment-step-up-requested-v1")]
public sealed record PaymentStepUpRequested([property: Id(0)] string PaymentId, [property: Id(1)] int? TriesLeft = null) : JournalEvent;

/// <summary>The gateway captured the payment: its reservation becomes spend.</summary>
[GenerateSerializer, Immutable, Alias("payment-succeeded-v1")]
public sealed record PaymentSucceeded([property: Id(0)] string PaymentId) : JournalEvent;

/// <summary>The issuer said no: the reservation is given back.</summary>
[GenerateSerializer, Immutable, Alias("payment-declined-v1")]
public sealed record PaymentDeclined([property: Id(0)] string PaymentId, [property: Id(1)] string Reason) : JournalEvent;

/// <summary>The gateway never charged the payment: the reservation is given back.</summary>
[GenerateSerializer, Immutable, Alias("payment-released-v1")]
public sealed record PaymentReleased([property: Id(0)] string PaymentId) : JournalEvent;

/// <summary>A refund was asked for; appended, and durable, before the gateway hears of it.</summary>
[GenerateSerializer, Immutable, Alias("refund-requested-v1")]
public sealed record RefundRequested([property: Id(0)] Refund Refund) : JournalEvent, IHoldsPersonalData
{
    public JournalEvent WithoutPersonalData() => this with { Refund = AgedData.Anonymous(Refund) };
}

[GenerateSerializer, Immutable, Alias("refund-succeeded-v1")]
public sealed record RefundSucceeded([property: Id(0)] Refund Refund) : JournalEvent, IHoldsPersonalData
{
    public JournalEvent WithoutPersonalData() => this with { Refund = AgedData.Anonymous(Refund) };
}

/// <summary>The gateway refused the refund (e.g. <c>exceeds_captured</c>); nothing was given back.</summary>
[GenerateSerializer, Immutable, Alias("refund-failed-v1")]
public sealed record RefundFailed([property: Id(0)] Refund Refund, [property: Id(1)] string Reason) : JournalEvent, IHoldsPersonalData
{
    public JournalEvent WithoutPersonalData() => this with { Refund = AgedData.Anonymous(Refund) };
}

/// <summary>How one payment moves with the events of its life; the customer state and replays both use it.</summary>
public static class PaymentLife
{
    /// <summary>
    /// <paramref name="payment"/> after <paramref name="change"/>: a reservation starts it, outcomes and refunds move it
    /// on. Events of other payments, and events that do not concern a payment, leave it as it is.
    /// </summary>
    public static Payment? Apply(Payment? payment, JournalEvent change) => change switch
    {
        PaymentReserved reserved => reserved.Payment,
        _ when payment is null || PaymentIdOf(change) != payment.Id => payment,
        PaymentStepUpRequested stepUp => payment with { Status = PaymentStatus.RequiresAction, StepUpTriesLeft = stepUp.TriesLeft, UpdatedAt = change.At },
        PaymentSucceeded => payment with { Status = PaymentStatus.Succeeded, UpdatedAt = change.At },
        PaymentDeclined declined => payment with { Status = PaymentStatus.Declined, DeclineReason = declined.Reason, UpdatedAt = change.At },
        PaymentReleased => payment with { Status = PaymentStatus.Released, UpdatedAt = change.At },
        RefundSucceeded refunded => payment with { Refunded = checked(payment.Refunded + refunded.Refund.Amount), UpdatedAt = change.At },
        _ => payment,
    };

    /// <summary>The payment an event is about, or null when it is about none.</summary>
    public static string? PaymentIdOf(JournalEvent change) => change switch
    {
        PaymentReserved reserved => reserved.Payment.Id,
        PaymentStepUpRequested stepUp => stepUp.PaymentId,
        PaymentSucceeded succeeded => succeeded.PaymentId,
        PaymentDeclined declined => declined.PaymentId,
        PaymentReleased released => released.PaymentId,
        RefundRequested requested => requested.Refund.PaymentId,
        RefundSucceeded refunded => refunded.Refund.PaymentId,
        RefundFailed failed => failed.Refund.PaymentId,
        _ => null,
    };
}
