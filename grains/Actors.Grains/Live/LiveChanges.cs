using Actors.Grains.Cases;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Limits;
using Actors.Grains.Merge;
using Actors.Grains.Profiles;

namespace Actors.Grains.Live;

/// <summary>
/// The events that tell watchers how a customer changed, found by comparing the state before a turn with the
/// state after it. Deriving them from state, rather than raising them beside each write, means no code path can
/// change what a device shows without telling it.
/// </summary>
public static class LiveChanges
{
    /// <summary>Whether anything watchers are told of differs between the two states (device sightings are not told).</summary>
    public static bool Announces(CustomerState before, CustomerState after) =>
        before.Profile != after.Profile || !ReferenceEquals(before.Commerce, after.Commerce) || !ReferenceEquals(before.Consents, after.Consents)
        || !ReferenceEquals(before.Merges, after.Merges) || !ReferenceEquals(before.Cases, after.Cases) || before.Erasure != after.Erasure;

    /// <summary>Every change of customer <paramref name="self"/> between two states, in the order devices are told.</summary>
    public static IEnumerable<CustomerEvent> Between(string self, CustomerState before, CustomerState after, Func<LimitsView> limitsAfter, DateTimeOffset now)
    {
        foreach (var change in Between(before.Profile, after.Profile, before.Commerce, after.Commerce, limitsAfter, now))
        {
            yield return change;
        }
        if (Consents(before.Consents, after.Consents) is { } consents)
        {
            yield return consents;
        }
        foreach (var merged in Merges(self, before.Merges, after.Merges))
        {
            yield return merged;
        }
        foreach (var supportCase in Cases(before.Cases, after.Cases))
        {
            yield return supportCase;
        }
    }

    /// <summary>The cases opened, answered or closed between two states.</summary>
    public static IEnumerable<CaseUpdated> Cases(CasesState before, CasesState after)
    {
        if (ReferenceEquals(before.Cases, after.Cases))
        {
            yield break;
        }
        foreach (var supportCase in after.Cases.Values.OrderBy(supportCase => supportCase.OpenedAt))
        {
            if (!before.Cases.TryGetValue(supportCase.Id, out var previous) || previous != supportCase)
            {
                yield return new CaseUpdated(supportCase);
            }
        }
    }

    /// <param name="limitsAfter">The limits as the customer sees them after the turn; asked for only when they changed.</param>
    public static IEnumerable<CustomerEvent> Between(
        Profile? profileBefore, Profile? profileAfter, CommerceState before, CommerceState after, Func<LimitsView> limitsAfter, DateTimeOffset now)
    {
        var paymentsMoved = false;
        if (!ReferenceEquals(before, after))
        {
            foreach (var change in CheckoutChanges(before, after))
            {
                yield return change;
            }
            foreach (var change in PaymentChanges(before, after))
            {
                paymentsMoved = true;
                yield return change;
            }
            if (before.Cart.Version != after.Cart.Version)
            {
                yield return new CartChanged(after.Cart);
            }
            if (LimitsReasonOf(before, after, paymentsMoved) is { } reason)
            {
                yield return new LimitsChanged(reason, limitsAfter());
            }
            if (before.Wallet != after.Wallet)
            {
                yield return new PaymentMethodsChanged(after.Wallet.Ranked(now), after.Wallet.PreferredId);
            }
        }
        if (profileAfter is not null && profileBefore != profileAfter)
        {
            yield return new ProfileChanged(profileAfter);
        }
    }

    /// <summary>The consent change between two states, if any: only a recorded decision makes a new consent state.</summary>
    public static ConsentChanged? Consents(ConsentState before, ConsentState after) =>
        ReferenceEquals(before, after) ? null : new ConsentChanged(after);

    /// <summary>The merges between two states of customer <paramref name="self"/>: it was merged away, or took others in.</summary>
    public static IEnumerable<CustomerMerged> Merges(string self, MergeState before, MergeState after)
    {
        if (ReferenceEquals(before, after))
        {
            yield break;
        }
        if (before.MergedInto is null && after.MergedInto is { } survivor)
        {
            yield return new CustomerMerged(survivor, self);
        }
        foreach (var merged in after.MergedFrom.Except(before.MergedFrom))
        {
            yield return new CustomerMerged(self, merged);
        }
    }

    /// <summary>The erasure between two states: its last event was written, so devices are told (and nothing else: the state was cleared).</summary>
    public static Erased? Erasure(Erasure.ErasureState? before, Erasure.ErasureState? after) =>
        before?.ErasedAt is null && after?.ErasedAt is not null ? new Erased() : null;

    /// <summary>
    /// The checkouts that expire, and the cooling-off periods that end, in (<paramref name="after"/>,
    /// <paramref name="upTo"/>]: nothing is written when they pass, so only the clock can announce them.
    /// </summary>
    public static IEnumerable<CustomerEvent> Passed(CommerceState state, DateTimeOffset after, DateTimeOffset upTo, Func<LimitsView> limitsNow)
    {
        foreach (var checkout in state.Checkouts.Values.Where(checkout => IsOpen(checkout) && Within(checkout.ExpiresAt)).OrderBy(checkout => checkout.ExpiresAt))
        {
            yield return new CheckoutUpdated(CheckoutChange.Expired, checkout);
        }
        if (state.Limits.Pending.Any(pending => Within(pending.EffectiveAt)))
        {
            yield return new LimitsChanged(LimitsReason.RaiseEffective, limitsNow());
        }

        bool Within(DateTimeOffset moment) => moment > after && moment <= upTo;
    }

    /// <summary>The next moment after <paramref name="now"/> that <see cref="Passed"/> would announce, if any.</summary>
    public static DateTimeOffset? NextDue(CommerceState state, DateTimeOffset now) =>
        state.Checkouts.Values.Where(IsOpen).Select(checkout => checkout.ExpiresAt)
            .Concat(state.Limits.Pending.Select(pending => pending.EffectiveAt))
            .Where(moment => moment > now)
            .Select(moment => (DateTimeOffset?)moment)
            .Min();

    // A checkout that is paid, or being paid, does not expire from the customer's point of view.
    private static bool IsOpen(Checkout checkout) =>
        checkout.Status is CheckoutStatus.RequiresConfirmation or CheckoutStatus.RequiresAction;

    private static IEnumerable<CustomerEvent> CheckoutChanges(CommerceState before, CommerceState after)
    {
        if (ReferenceEquals(before.Checkouts, after.Checkouts))
        {
            yield break;
        }
        foreach (var checkout in after.Checkouts.Values.OrderBy(checkout => checkout.CreatedAt))
        {
            if (!before.Checkouts.TryGetValue(checkout.Id, out var previous))
            {
                yield return new CheckoutUpdated(CheckoutChange.Created, checkout);
            }
            else if (previous.Status != checkout.Status || previous.PaymentId != checkout.PaymentId)
            {
                yield return new CheckoutUpdated(CheckoutChange.Updated, checkout);
            }
        }
    }

    private static IEnumerable<CustomerEvent> PaymentChanges(CommerceState before, CommerceState after)
    {
        if (ReferenceEquals(before.Payments, after.Payments))
        {
            yield break;
        }
        foreach (var payment in after.Payments)
        {
            var previous = before.FindPayment(payment.Id);
            var tillId = after.Checkouts.GetValueOrDefault(payment.CheckoutId)?.TillId;
            if (previous is null || previous.Status != payment.Status)
            {
                yield return new PaymentUpdated(payment, Refunded: false) { TillId = tillId };
            }
            else if (payment.Refunded > previous.Refunded)
            {
                yield return new PaymentUpdated(payment, Refunded: true) { TillId = tillId };
            }
        }
    }

    private static LimitsReason? LimitsReasonOf(CommerceState before, CommerceState after, bool paymentsMoved)
    {
        if (before.Limits.ExcludedUntil != after.Limits.ExcludedUntil)
        {
            return LimitsReason.SelfExcluded;
        }
        if (before.Limits != after.Limits)
        {
            return LimitsReason.Updated;
        }
        // Spend is also pruned of old days on the way; only money that moved changes what the customer sees.
        return paymentsMoved && before.Spend != after.Spend ? LimitsReason.Spent : null;
    }
}
