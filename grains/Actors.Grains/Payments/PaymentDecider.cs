using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Personalization;

namespace Actors.Grains.Payments;

/// <summary>
/// What a confirmation decided: refused (<see cref="Refusal"/>), or a charge to ask the gateway for, after appending
/// <see cref="Events"/> (the reservation; none when a step-up code completes a payment already reserved).
/// </summary>
public sealed record ConfirmDecision(ImmutableArray<JournalEvent> Events, MoneyResult? Refusal, ChargeRequest? Charge)
{
    public static ConfirmDecision Refuse(MoneyResult refusal) => new([], refusal, null);
}

/// <summary>
/// The payment state machine: confirm (checks, then a reservation), settle by the gateway's answer, and reconcile
/// what the gateway left open. Pure: ids and time come in as arguments.
/// </summary>
public static class PaymentDecider
{
    /// <summary>Confirms <paramref name="checkoutId"/>: self-exclusion, the checkout's state, the method, then every cap.</summary>
    public static ConfirmDecision Confirm(
        CustomerState state, string checkoutId, ConfirmDraft draft, string newPaymentId, string channel, DateTimeOffset now)
    {
        if (state.Profile is not { } customer)
        {
            return ConfirmDecision.Refuse(new MoneyResult.NotFound(MissingThing.Customer));
        }
        var commerce = state.Commerce;
        if (!commerce.Checkouts.TryGetValue(checkoutId, out var checkout))
        {
            return ConfirmDecision.Refuse(new MoneyResult.NotFound(MissingThing.Checkout));
        }
        var limits = SpendingPolicy.EffectiveAt(commerce.Limits, now);
        if (SpendingPolicy.IsExcluded(limits, now))
        {
            return ConfirmDecision.Refuse(new MoneyResult.SelfExcluded(limits.ExcludedUntil!.Value));
        }
        if (checkout.Status is CheckoutStatus.Succeeded or CheckoutStatus.Processing)
        {
            return ConfirmDecision.Refuse(new MoneyResult.CheckoutClosed(checkout.Id, checkout.Status, checkout.PaymentId));
        }
        if (checkout.IsExpiredAt(now))
        {
            return ConfirmDecision.Refuse(new MoneyResult.CheckoutExpired(checkout.Id, checkout.ExpiresAt));
        }
        if (checkout.Status == CheckoutStatus.RequiresAction)
        {
            return CompleteStepUp(state, checkout, draft, now);
        }

        if (string.IsNullOrEmpty(draft.PaymentMethodId))
        {
            return ConfirmDecision.Refuse(Invalid("paymentMethodId", "is required: the saved payment method to pay with"));
        }
        if (commerce.Wallet.Find(draft.PaymentMethodId) is not { } method)
        {
            return ConfirmDecision.Refuse(new MoneyResult.NotFound(MissingThing.PaymentMethod));
        }
        if (method.IsExpiredAt(now))
        {
            return ConfirmDecision.Refuse(Invalid("paymentMethodId", "the card has expired"));
        }
        if (checkout.Risk.HidesUnprovenMethods && CheckoutPersonalization.Proven(commerce) is { Count: > 0 } proven && !proven.Contains(method.Id))
        {
            return ConfirmDecision.Refuse(new MoneyResult.MethodNotOffered(method.Id));
        }
        if (checkout.Points is { } points && points.Points > commerce.Points)
        {
            return ConfirmDecision.Refuse(new MoneyResult.PointsUnavailable(points.Points, commerce.Points));
        }
        var zone = state.Zone;
        if (SpendingPolicy.Check(limits, commerce.Spend, checkout.ConvertedTotal, now, zone) is CapDecision.Exceeded exceeded)
        {
            return ConfirmDecision.Refuse(new MoneyResult.CapExceeded(exceeded.Window, exceeded.Cap, exceeded.Remaining, checkout.CapCurrency, exceeded.ResetsAt));
        }

        var payment = new Payment(newPaymentId, checkout.Id, checkout.Total, checkout.Currency, checkout.ConvertedTotal,
            checkout.CapCurrency, method.Id, method.Token, method.Brand, method.Last4, SaleChannel(checkout, channel), checkout.Description,
            PaymentStatus.Processing, DeclineReason: null, Refunded: 0, now, now);
        return new ConfirmDecision(
            [new PaymentReserved(payment, SpendWindows.LocalDay(now, zone)) { At = now }],
            Refusal: null,
            new ChargeRequest(payment.Id, customer.CustomerId, method.Token, payment.Amount, payment.Currency, StepUpCode: null)
            {
                ChallengeRequested = checkout.Risk.RequiresStepUp,
            });
    }

    /// <summary>
    /// A store-till sale is an in-store sale wherever it is confirmed (the till, or the customer's phone after a
    /// hand-off); any other payment carries the channel that confirmed it.
    /// </summary>
    private static string SaleChannel(Checkout checkout, string confirmedFrom) =>
        checkout.Channel == Sessions.Channels.Pos ? Sessions.Channels.Pos : confirmedFrom;

    /// <summary>
    /// The events that move an open payment on by what the gateway said: succeeded settles, declined gives the
    /// reservation back, requires_action waits for the code (again, after a wrong one, with fewer tries left), no
    /// answer leaves it processing.
    /// </summary>
    public static ImmutableArray<JournalEvent> Settle(CustomerState state, string paymentId, ChargeOutcome? outcome, DateTimeOffset now)
    {
        if (state.Commerce.FindPayment(paymentId) is not { IsOpen: true } payment)
        {
            return [];
        }
        return outcome switch
        {
            ChargeOutcome.Succeeded => [new PaymentSucceeded(paymentId) { At = now }],
            ChargeOutcome.Declined declined => [new PaymentDeclined(paymentId, declined.Reason) { At = now }],
            ChargeOutcome.RequiresAction action when payment.Status != PaymentStatus.RequiresAction || payment.StepUpTriesLeft != action.TriesLeft =>
                [new PaymentStepUpRequested(paymentId, action.TriesLeft) { At = now }],
            _ => [],
        };
    }

    /// <summary>Payments open for at least <paramref name="after"/>: time to ask the gateway what became of them.</summary>
    public static IReadOnlyList<Payment> Stale(CustomerState state, DateTimeOffset now, TimeSpan after) =>
        [.. state.Commerce.Payments.Where(payment => payment.IsOpen && now - payment.UpdatedAt >= after)];

    /// <summary>
    /// Finishes an open payment by what the gateway knows of its id: charged → settle, declined or never charged →
    /// release. A payment waiting for step-up is given up (released) once its checkout has expired.
    /// </summary>
    public static ImmutableArray<JournalEvent> Reconcile(CustomerState state, string paymentId, ChargeOutcome? known, DateTimeOffset now)
    {
        if (state.Commerce.FindPayment(paymentId) is not { IsOpen: true } payment)
        {
            return [];
        }
        var checkout = state.Commerce.Checkouts.GetValueOrDefault(payment.CheckoutId);
        return known switch
        {
            null => [new PaymentReleased(paymentId) { At = now }],
            ChargeOutcome.RequiresAction when checkout is null || checkout.IsExpiredAt(now) => [new PaymentReleased(paymentId) { At = now }],
            ChargeOutcome.RequiresAction => [],
            _ => Settle(state, paymentId, known, now),
        };
    }

    private static ConfirmDecision CompleteStepUp(CustomerState state, Checkout checkout, ConfirmDraft draft, DateTimeOffset now)
    {
        var payment = state.Commerce.FindPayment(checkout.PaymentId!)
            ?? throw new InvalidOperationException($"Checkout {checkout.Id} waits for step-up of a payment the state does not hold.");
        if (string.IsNullOrEmpty(draft.StepUpCode))
        {
            return ConfirmDecision.Refuse(Invalid("stepUpCode", "is required: the code the customer received to authenticate this payment"));
        }
        if (draft.PaymentMethodId is { } methodId && methodId != payment.MethodId)
        {
            return ConfirmDecision.Refuse(Invalid("paymentMethodId", "a payment waiting for step-up completes with the method it started with"));
        }
        if (state.Commerce.StepUpFailures.LockedUntil(now) is { } until)
        {
            return ConfirmDecision.Refuse(new MoneyResult.StepUpLocked(until));
        }
        return new ConfirmDecision([], Refusal: null,
            new ChargeRequest(payment.Id, state.Profile!.CustomerId, payment.Token, payment.Amount, payment.Currency, draft.StepUpCode));
    }

    internal static MoneyResult.Invalid Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}
