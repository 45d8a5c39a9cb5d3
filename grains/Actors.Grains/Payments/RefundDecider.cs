using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Money;

namespace Actors.Grains.Payments;

/// <summary>
/// What a refund request decided: an answer now (<see cref="Answer"/>), or a refund to ask the gateway for
/// (<see cref="Ask"/>) after appending <see cref="Events"/> (none when an earlier attempt already recorded it).
/// </summary>
public sealed record RefundDecision(ImmutableArray<JournalEvent> Events, MoneyResult? Answer, RefundRequest? Ask)
{
    public static RefundDecision Answered(MoneyResult answer) => new([], answer, null);
}

/// <summary>
/// Refunds, written ahead like charges: the request is durable before the gateway hears of it, and its outcome is
/// appended after. A refund never exceeds what was captured, counting refunds still being decided.
/// </summary>
public static class RefundDecider
{
    /// <param name="refundId">Derived from the idempotency key, so a retry after a crash resumes the same refund.</param>
    public static RefundDecision Request(CustomerState state, string paymentId, string refundId, RefundDraft draft, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return RefundDecision.Answered(new MoneyResult.NotFound(MissingThing.Customer));
        }
        var commerce = state.Commerce;
        if (commerce.FindPayment(paymentId) is not { } payment)
        {
            return RefundDecision.Answered(new MoneyResult.NotFound(MissingThing.Payment));
        }
        if (draft.Amount is <= 0 or > Amounts.Max)
        {
            return RefundDecision.Answered(PaymentDecider.Invalid("amount", $"must be a whole number of minor units from 1 to {Amounts.Max}"));
        }
        if (draft.Reason is { Length: > CheckoutRules.MaxDescription })
        {
            return RefundDecision.Answered(PaymentDecider.Invalid("reason", $"must be at most {CheckoutRules.MaxDescription} characters"));
        }

        if (commerce.Refunds.TryGetValue(refundId, out var earlier))
        {
            return earlier.Status switch
            {
                _ when draft.Amount is { } amount && amount != earlier.Refund.Amount => RefundDecision.Answered(new MoneyResult.IdempotencyMismatch()),
                RefundStatus.Pending => new RefundDecision([], null, Ask(earlier.Refund)),
                _ => RefundDecision.Answered(Answer(state, earlier.Refund.Id)),
            };
        }

        var refundable = commerce.Refundable(payment);
        var requested = draft.Amount ?? refundable;
        if (requested == 0 || requested > refundable)
        {
            return RefundDecision.Answered(new MoneyResult.RefundExceedsCaptured(refundable, payment.Currency));
        }
        var refund = new Refund(refundId, paymentId, requested, payment.Currency, draft.Reason?.Trim(), now);
        return new RefundDecision([new RefundRequested(refund) { At = now }], null, Ask(refund));
    }

    /// <summary>The event the gateway's answer makes of a pending refund; none when it did not answer (it stays pending).</summary>
    public static ImmutableArray<JournalEvent> Complete(CustomerState state, string refundId, RefundOutcome? outcome, DateTimeOffset now)
    {
        if (!state.Commerce.Refunds.TryGetValue(refundId, out var entry) || entry.Status != RefundStatus.Pending)
        {
            return [];
        }
        return outcome switch
        {
            RefundOutcome.Refunded => [new RefundSucceeded(entry.Refund) { At = now }],
            RefundOutcome.Rejected rejected => [new RefundFailed(entry.Refund, rejected.Reason) { At = now }],
            _ => [],
        };
    }

    /// <summary>
    /// How a refund stands, as an answer: refunded, refused (nothing more could be refunded), or not yet known
    /// because the gateway has not answered (retry with the same key; reconciliation also finishes it).
    /// </summary>
    public static MoneyResult Answer(CustomerState state, string refundId)
    {
        var entry = state.Commerce.Refunds[refundId];
        var payment = state.Commerce.FindPayment(entry.Refund.PaymentId)!;
        return entry.Status switch
        {
            RefundStatus.Succeeded => new MoneyResult.Refunded(entry.Refund, payment),
            RefundStatus.Failed => new MoneyResult.RefundExceedsCaptured(state.Commerce.Refundable(payment), payment.Currency),
            _ => new MoneyResult.GatewayUnavailable(),
        };
    }

    /// <summary>Refunds pending for at least <paramref name="after"/>: time to ask the gateway again (the refund id makes that safe).</summary>
    public static IReadOnlyList<Refund> Stale(CustomerState state, DateTimeOffset now, TimeSpan after) =>
        [.. state.Commerce.Refunds.Values
            .Where(entry => entry.Status == RefundStatus.Pending && now - entry.Refund.CreatedAt >= after)
            .Select(entry => entry.Refund)];

    public static RefundRequest Ask(Refund refund) => new(refund.Id, refund.PaymentId, refund.Amount, refund.Currency);
}
