using Actors.Grains.Carts;
using Actors.Grains.Cases;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Erasure;
using Actors.Grains.Idempotency;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Live;
using Actors.Grains.Merge;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;
using Actors.Grains.Support;
using Actors.Grains.Wallets;

namespace Actors.Grains.Customers;

/// <summary>
/// apply(state, event) → state: how each journal event changes a customer. Pure and total over the event types, so
/// replaying a journal (from a snapshot or from the start) always rebuilds the same state.
/// </summary>
public static class CustomerEvolution
{
    public static CustomerState Apply(CustomerState state, JournalEvent change) => change switch
    {
        CustomerCreated created => state with { Profile = created.Profile },
        ProfileUpdated updated => state with { Profile = updated.Profile },
        DeviceSeen seen => state with { Sessions = state.Sessions.With(seen.Session) },
        LiveNumbersClaimed claimed => state with { LiveCeiling = claimed.Ceiling },
        // A record of who read the customer; it changes nothing about them.
        SupportAccessed => state,
        ConsentRecorded recorded => state with { Consents = state.Consents.With(recorded.Decision) },
        IdentityClaimed claimed => state with { Identities = state.Identities.Add(claimed.Identifier.Key) },
        IdentityReleased released => state with { Identities = state.Identities.Remove(released.Identifier.Key) },
        MergeStarted started => state with { Merges = state.Merges with { Pending = state.Merges.Pending.Add(started.From) } },
        MergeCancelled cancelled => state with { Merges = state.Merges with { Pending = state.Merges.Pending.Remove(cancelled.From) } },
        MergedInto merged => state with { Merges = state.Merges with { MergedInto = merged.Survivor, Handover = merged.Handover } },
        ErasureStarted started => state with { Erasure = new ErasureState { By = started.By, StartedAt = started.At, ExclusionUntil = started.ExclusionUntil } },
        // Nothing of the person stays in memory: only how far the erasure got, and the live numbers already handed out.
        CustomerErased erased => CustomerState.New with
        {
            Erasure = (state.Erasure ?? new ErasureState { StartedAt = erased.At }) with { ErasedAt = erased.At, MergedFrom = state.Merges.MergedFrom },
            LiveCeiling = state.LiveCeiling,
        },
        TotpEnrolmentStarted started => state with { StepUp = state.StepUp with { PendingTotpSecret = started.Secret } },
        TotpEnrolmentConfirmed => state with
        {
            StepUp = state.StepUp with { TotpSecret = state.StepUp.PendingTotpSecret, PendingTotpSecret = null, OpenCode = null, LastTotpStep = -1 },
        },
        OneTimeCodeIssued issued => state with { StepUp = state.StepUp with { OpenCode = issued.Code } },
        AccountStepUpVerified verified => state with
        {
            // A one-time code is used up; a TOTP time step is never accepted again.
            StepUp = state.StepUp.Verified(verified.DeviceId, verified.At) with
            {
                OpenCode = verified.Method == StepUpMethods.Code ? null : state.StepUp.OpenCode,
                LastTotpStep = verified.TotpStep ?? state.StepUp.LastTotpStep,
            },
        },
        AccountStepUpCodeRejected => state with { StepUp = state.StepUp with { WrongCodes = state.StepUp.WrongCodes.With(change.At) } },
        MergeCompleted completed => state with
        {
            Merges = state.Merges with
            {
                Pending = state.Merges.Pending.Remove(completed.From),
                MergedFrom = state.Merges.MergedFrom.Union(completed.MergedFrom),
            },
            Commerce = state.Commerce with
            {
                Spend = state.Commerce.Spend with { SettledByDay = MergeRules.AddSpend(state.Commerce.Spend.SettledByDay, completed.SpendAdded) },
                Points = checked(state.Commerce.Points + completed.PointsAdded),
            },
        },
        AgedDataRemoved removed => AgedData.Apply(state, removed.Cutoffs),
        CaseOpened or CaseMessagePosted or CaseClosed or FeedbackGiven => state with { Cases = CasesRules.Apply(state.Cases, change) },
        _ => state with { Commerce = Apply(state.Commerce, change, state.Zone) },
    };

    public static CustomerState ApplyAll(CustomerState state, IEnumerable<JournalEvent> changes) => changes.Aggregate(state, Apply);

    private static CommerceState Apply(CommerceState state, JournalEvent change, TimeZoneInfo zone)
    {
        var next = ApplyToCommerce(state, change, zone);
        var wrongCode = change switch
        {
            PaymentStepUpRequested stepUp => StepUpFailures.IsWrongCode(state.FindPayment(stepUp.PaymentId), stepUp, null),
            PaymentDeclined declined => StepUpFailures.IsWrongCode(state.FindPayment(declined.PaymentId), null, declined),
            _ => false,
        };
        return wrongCode ? next with { StepUpFailures = next.StepUpFailures.With(change.At) } : next;
    }

    private static CommerceState ApplyToCommerce(CommerceState state, JournalEvent change, TimeZoneInfo zone) => change switch
    {
        CartLineSet set => state with { Cart = CartRules.Set(state.Cart, set.Line, set.At) },
        CartLineRemoved removed => state with { Cart = CartRules.Without(state.Cart, removed.Sku, removed.At) },
        PaymentMethodAdded added => state with { Wallet = WalletRules.With(state.Wallet, added.Method, added.Preferred) },
        PaymentMethodRemoved removed => state with { Wallet = WalletRules.Without(state.Wallet, removed.PaymentMethodId) },
        PaymentMethodPreferred preferred => state with { Wallet = WalletRules.Preferring(state.Wallet, preferred.PaymentMethodId) },
        CapsSet caps => state with { Limits = caps.Limits, CapCurrency = caps.CapCurrency },
        SelfExclusionSet exclusion => state with { Limits = exclusion.Limits, CapCurrency = exclusion.CapCurrency },
        CheckoutCreated created => Created(state, created, zone),
        PaymentReserved reserved => Reserved(state, reserved),
        PaymentStepUpRequested stepUp => Moved(state, stepUp, CheckoutStatus.RequiresAction, keepsPayment: true),
        PaymentSucceeded succeeded => Succeeded(state, succeeded),
        PaymentDeclined or PaymentReleased => Released(state, change),
        RefundRequested requested => state with
        {
            Refunds = state.Refunds.SetItem(requested.Refund.Id, new RefundEntry(requested.Refund, RefundStatus.Pending)),
        },
        RefundSucceeded refunded => WithPaymentMoved(state, change) with
        {
            Refunds = state.Refunds.SetItem(refunded.Refund.Id, new RefundEntry(refunded.Refund, RefundStatus.Succeeded)),
            Stats = state.Stats.WithRefund(InCapCurrency(state.FindPayment(refunded.Refund.PaymentId), refunded.Refund.Amount)),
        },
        RefundFailed failed => state with
        {
            Refunds = state.Refunds.SetItem(failed.Refund.Id, new RefundEntry(failed.Refund, RefundStatus.Failed)),
        },
        RequestAnswered answered => state with
        {
            Idempotency = state.Idempotency.Remember(answered.Key, answered.Fingerprint, answered.Answer, answered.At),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "No rule applies this event."),
    };

    /// <summary>A new checkout; what no rule can need any more is forgotten on the way, so state stays bounded.</summary>
    private static CommerceState Created(CommerceState state, CheckoutCreated created, TimeZoneInfo zone)
    {
        var checkout = created.Summary.Checkout;
        return state.WithCheckout(checkout).Pruned(created.At, zone) with { CapCurrency = checkout.CapCurrency };
    }

    /// <summary>The reservation counts against the caps at once; any cooling-off that ended by then now applies.</summary>
    private static CommerceState Reserved(CommerceState state, PaymentReserved reserved)
    {
        var payment = reserved.Payment;
        var next = state.WithPayment(payment) with
        {
            Limits = SpendingPolicy.EffectiveAt(state.Limits, reserved.At),
            Spend = state.Spend.Reserve(payment.Id, payment.ConvertedAmount, reserved.Day, reserved.At),
        };
        return next.Checkouts.TryGetValue(payment.CheckoutId, out var checkout)
            ? next.WithCheckout(checkout with { Status = CheckoutStatus.Processing, PaymentId = payment.Id }) with
            {
                Points = next.Points - (checkout.Points?.Points ?? 0),
            }
            : next;
    }

    /// <summary>
    /// Settles the spend, marks the card used, takes the paid lines out of the cart they came from, credits the points
    /// the checkout earns and counts the purchase in the customer's figures.
    /// </summary>
    private static CommerceState Succeeded(CommerceState state, PaymentSucceeded succeeded)
    {
        var next = Moved(state, succeeded, CheckoutStatus.Succeeded, keepsPayment: true);
        var payment = next.FindPayment(succeeded.PaymentId)!;
        var checkout = next.Checkouts.GetValueOrDefault(payment.CheckoutId);
        return next with
        {
            Spend = next.Spend.Settle(payment.Id),
            Wallet = next.Wallet.Used(payment.MethodId, succeeded.At),
            Cart = checkout is { FromCart: true } ? CartRules.RemovePaid(next.Cart, checkout.Lines.Select(line => line.Sku), succeeded.At) : next.Cart,
            Points = next.Points + (checkout?.PointsEarned ?? 0),
            Stats = next.Stats.WithPurchase(payment.ConvertedAmount, succeeded.At),
        };
    }

    /// <summary>Gives the reservation (and any points it held) back; the customer may confirm the checkout again, with another method.</summary>
    private static CommerceState Released(CommerceState state, JournalEvent change)
    {
        var paymentId = PaymentLife.PaymentIdOf(change)!;
        var held = state.FindPayment(paymentId) is { } payment && state.Checkouts.GetValueOrDefault(payment.CheckoutId) is { PaymentId: var holder } checkout
            && holder == paymentId ? checkout.Points?.Points ?? 0 : 0;
        var next = Moved(state, change, CheckoutStatus.RequiresConfirmation, keepsPayment: false);
        return next with { Spend = next.Spend.Release(paymentId), Points = next.Points + held };
    }

    /// <summary>Part of a payment in the caps' currency, in proportion to what the payment converted to.</summary>
    private static long InCapCurrency(Payment? payment, long amount) =>
        payment is { Amount: > 0 } ? (long)((decimal)amount * payment.ConvertedAmount / payment.Amount) : 0;

    /// <summary>The payment moved on by <paramref name="change"/>, and its checkout (if it is still this payment's) to <paramref name="status"/>.</summary>
    private static CommerceState Moved(CommerceState state, JournalEvent change, CheckoutStatus status, bool keepsPayment)
    {
        var next = WithPaymentMoved(state, change);
        var payment = next.FindPayment(PaymentLife.PaymentIdOf(change)!);
        return payment is not null && next.Checkouts.TryGetValue(payment.CheckoutId, out var checkout) && checkout.PaymentId == payment.Id
            ? next.WithCheckout(checkout with { Status = status, PaymentId = keepsPayment ? payment.Id : null })
            : next;
    }

    private static CommerceState WithPaymentMoved(CommerceState state, JournalEvent change) =>
        state.FindPayment(PaymentLife.PaymentIdOf(change)!) is { } payment ? state.WithPayment(PaymentLife.Apply(payment, change)!) : state;
}
