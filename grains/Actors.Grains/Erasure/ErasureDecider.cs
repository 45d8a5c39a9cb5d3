using System.Collections.Immutable;
using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.Limits;

namespace Actors.Grains.Erasure;

/// <summary>
/// Erasure as decisions over the customer's state: whether it may start, which identifiers a self-exclusion survives
/// in, what each step appends. The grain runs the steps in order (see <c>CustomerGrain.Erasure.cs</c>); each one
/// appends nothing when it is already done, so a repeat or a reminder after a crash only does what is left.
/// </summary>
public static class ErasureDecider
{
    public const string PaymentOpen = "payment-open";
    public const string RefundPending = "refund-pending";
    public const string MergePending = "merge-pending";

    /// <summary>
    /// Starts the erasure, or answers how far it got. Refused while money is still moving (a payment being decided,
    /// a refund the gateway has not answered): reconciliation must be able to seal its outcome, and the ledger must
    /// show where the money went before the person behind it is forgotten. Both end by themselves within minutes.
    /// </summary>
    public static Decision<ErasureResult> Start(CustomerState state, ErasedBy by, DateTimeOffset now)
    {
        if (state.Erasure is { } erasure)
        {
            return Decision.Answer<ErasureResult>(erasure.Shredded ? new ErasureResult.Erased() : new ErasureResult.Erasing());
        }
        if (state.Profile is null)
        {
            return Decision.Answer<ErasureResult>(new ErasureResult.NotFound());
        }
        var commerce = state.Commerce;
        if (commerce.Payments.FirstOrDefault(payment => payment.IsOpen) is { } open)
        {
            return Decision.Answer<ErasureResult>(new ErasureResult.Blocked(PaymentOpen,
                $"Payment {open.Id} is still being decided; erase once it has settled or been released."));
        }
        if (commerce.Refunds.Values.FirstOrDefault(entry => entry.Status == Payments.RefundStatus.Pending) is { } refund)
        {
            return Decision.Answer<ErasureResult>(new ErasureResult.Blocked(RefundPending,
                $"Refund {refund.Refund.Id} is waiting for the gateway; erase once it is done."));
        }
        if (!state.Merges.Pending.IsEmpty)
        {
            return Decision.Answer<ErasureResult>(new ErasureResult.Blocked(MergePending,
                "A merge into this customer is under way; erase once it is done."));
        }
        var limits = SpendingPolicy.EffectiveAt(commerce.Limits, now);
        var exclusion = SpendingPolicy.IsExcluded(limits, now) ? limits.ExcludedUntil : null;
        return Decision.Emit<ErasureResult>(new ErasureResult.Erasing(), new ErasureStarted(by, exclusion) { At = now });
    }

    /// <summary>
    /// The identifiers a self-exclusion survives in: email, phone and loyalty card (a device id names a device, not a
    /// person). Empty when the customer was not self-excluded when the erasure started.
    /// </summary>
    public static ImmutableArray<Identifier> ExcludedIdentifiers(CustomerState state) =>
        state.Erasure is { ExclusionUntil: not null }
            ? [.. state.Identities.Select(Identifier.Parse).Where(identifier => identifier.Kind is IdentityKinds.Email or IdentityKinds.Phone or IdentityKinds.Card)]
            : [];

    /// <summary>Releases every identifier the customer still holds, so a new customer can claim it.</summary>
    public static Decision<bool> ReleaseIdentifiers(CustomerState state, DateTimeOffset now) =>
        new([.. IdentityDecider.ReleaseAll(state, now)], true);

    /// <summary>The last event, once every identifier is released; nothing when it is written already.</summary>
    public static ImmutableArray<JournalEvent> Finish(CustomerState state, DateTimeOffset now)
    {
        if (state.Erasure is not { ErasedAt: null })
        {
            return [];
        }
        if (!state.Identities.IsEmpty)
        {
            throw new InvalidOperationException("Identifiers are released before the erasure's last event.");
        }
        return [new CustomerErased { At = now }];
    }

    /// <summary>
    /// A customer who now holds an identifier an erased, self-excluded customer held is self-excluded until
    /// <paramref name="until"/> too; an exclusion of their own that lasts longer stays. The minimum length of a new
    /// self-exclusion does not apply: this one was chosen, by the same person, when it was set.
    /// </summary>
    public static ImmutableArray<JournalEvent> InheritExclusion(CustomerState state, DateTimeOffset until, DateTimeOffset now)
    {
        if (state.Profile is null || until <= now)
        {
            return [];
        }
        var limits = SpendingPolicy.EffectiveAt(state.Commerce.Limits, now);
        return limits.ExcludedUntil >= until
            ? []
            : [new SelfExclusionSet(limits with { ExcludedUntil = until }, state.CapCurrency) { At = now }];
    }
}
