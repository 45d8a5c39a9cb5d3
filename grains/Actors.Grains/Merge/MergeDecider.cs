using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;

namespace Actors.Grains.Merge;

/// <summary>
/// The decisions of a merge, over one customer's state at a time. The survivor (the older profile) journals its intent
/// (<see cref="Start"/>), the merged-away customer records that it is merged and what it hands over
/// (<see cref="HandOver"/>), and the survivor takes that in (<see cref="Complete"/>). Each step is idempotent: asked
/// again, it answers what it answered before and appends nothing.
/// </summary>
public static class MergeDecider
{
    /// <summary>What another customer needs to know to decide who survives; null for no such customer.</summary>
    public static MergeStanding? Standing(CustomerState state) =>
        state.Profile is { } profile ? new MergeStanding(profile.CreatedAt, state.Merges.MergedInto) : null;

    /// <summary>The older profile survives (by creation time, then by id so that both sides agree on a tie).</summary>
    public static bool Survives(string id, DateTimeOffset createdAt, string otherId, DateTimeOffset otherCreatedAt) =>
        createdAt < otherCreatedAt || createdAt == otherCreatedAt && string.CompareOrdinal(id, otherId) < 0;

    /// <summary>
    /// The survivor <paramref name="self"/> starts taking in <paramref name="from"/>: a null answer means go on (the
    /// intent is in the events, or was journaled before); anything else is the answer, with nothing appended.
    /// </summary>
    public static Decision<MergeResult?> Start(CustomerState state, string self, string from, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<MergeResult?>(new MergeResult.NotFound(self));
        }
        if (state.Merges.MergedInto is { } into)
        {
            // A customer merged away is never the survivor of a later merge.
            return Decision.Answer<MergeResult?>(new MergeResult.AlreadyMerged(self, into));
        }
        if (state.Merges.MergedFrom.Contains(from))
        {
            return Decision.Answer<MergeResult?>(new MergeResult.Merged(self, from));
        }
        return state.Merges.Pending.Contains(from)
            ? Decision.Answer<MergeResult?>(null)
            : Decision.Emit<MergeResult?>(null, new MergeStarted(from) { At = now });
    }

    /// <summary>
    /// The merged-away side: records that it is <paramref name="survivor"/>'s now, releases its identifiers (the
    /// survivor claims them) and hands over what moves. Refused while money of it is in flight: a payment reserved or
    /// at the gateway, or a refund pending, would otherwise settle on a customer that no longer takes payments.
    /// </summary>
    public static Decision<HandOverResult> HandOver(CustomerState state, string self, string survivor, DateTimeOffset now)
    {
        if (state.Profile is not { } profile)
        {
            return Refused(new MergeResult.NotFound(self));
        }
        if (state.Merges.MergedInto is { } into)
        {
            return into == survivor
                ? Decision.Answer<HandOverResult>(new HandOverResult.Handed(state.Merges.Handover!))
                : Refused(new MergeResult.AlreadyMerged(self, into));
        }
        var commerce = state.Commerce;
        if (!commerce.Spend.Reservations.IsEmpty || commerce.Refunds.Values.Any(entry => entry.Status == RefundStatus.Pending)
            || !state.Merges.Pending.IsEmpty)
        {
            return Refused(new MergeResult.Busy(self));
        }
        var handover = new MergeHandover(
            self,
            profile.CreatedAt,
            state.Identities,
            commerce.Wallet.Methods,
            commerce.Cart.Lines,
            commerce.Points,
            state.CapCurrency,
            SpendingPolicy.EffectiveAt(commerce.Limits, now),
            commerce.Spend.SettledByDay,
            state.Consents,
            state.Merges.MergedFrom);
        return new Decision<HandOverResult>(
            [.. IdentityDecider.ReleaseAll(state, now), new MergedInto(survivor, handover) { At = now }],
            new HandOverResult.Handed(handover));
    }

    /// <summary>
    /// The survivor takes in <paramref name="handover"/>: identifiers (but those in <paramref name="unavailable"/>,
    /// which another customer took meanwhile), saved methods, cart lines, stricter caps, consent withdrawals, and the
    /// spend and points of <see cref="MergeCompleted"/>. Amounts of another currency go through <paramref name="convert"/>
    /// (amount, from, to). Taken in before: answers the same and appends nothing.
    /// </summary>
    public static Decision<MergeResult> Complete(
        CustomerState state, string self, MergeHandover handover, Func<long, string, string, long> convert, string channel,
        IReadOnlySet<string> unavailable, DateTimeOffset now)
    {
        var merged = new MergeResult.Merged(self, handover.From);
        if (state.Profile is null)
        {
            return Decision.Answer<MergeResult>(new MergeResult.NotFound(self));
        }
        if (state.Merges.MergedFrom.Contains(handover.From))
        {
            return Decision.Answer<MergeResult>(merged);
        }
        var currency = state.CapCurrency;
        long Convert(long amount) => convert(amount, handover.CapCurrency, currency);

        var events = new List<JournalEvent>();
        events.AddRange(handover.Identities
            .Where(key => !state.Identities.Contains(key) && !unavailable.Contains(key))
            .Select(key => new IdentityClaimed(Identifier.Parse(key)) { At = now }));
        events.AddRange(MergeRules.Methods(state.Commerce.Wallet, handover.Methods)
            .Select(method => new PaymentMethodAdded(method, Preferred: false) { At = now }));
        events.AddRange(MergeRules.CartLines(state.Commerce.Cart, handover.CartLines)
            .Select(line => new CartLineSet(line) { At = now }));

        var limits = SpendingPolicy.EffectiveAt(state.Commerce.Limits, now);
        var combined = MergeRules.Limits(limits, MergeRules.Converted(handover.Limits, Convert));
        if (combined != state.Commerce.Limits || state.Commerce.CapCurrency != currency)
        {
            events.Add(new CapsSet(combined, currency) { At = now });
        }
        events.AddRange(MergeRules.Withdrawn(state.Consents, handover.Consents)
            .Select(decision => new ConsentRecorded(decision.Purpose, Granted: false, decision.PolicyVersion, channel, DeviceId: null) { At = now }));

        var spend = handover.SettledByDay
            .Where(day => day.Value > 0)
            .ToImmutableSortedDictionary(day => day.Key, day => Convert(day.Value));
        events.Add(new MergeCompleted(handover.From, spend, handover.Points, handover.MergedFrom.Add(handover.From)) { At = now });
        return new Decision<MergeResult>([.. events], merged);
    }

    /// <summary>Gives up a merge the other side refused; nothing had moved.</summary>
    public static Decision<MergeResult> Cancel(CustomerState state, string from, MergeResult reason, DateTimeOffset now) =>
        state.Merges.Pending.Contains(from)
            ? Decision.Emit(reason, new MergeCancelled(from) { At = now })
            : Decision.Answer(reason);

    private static Decision<HandOverResult> Refused(MergeResult reason) => Decision.Answer<HandOverResult>(new HandOverResult.Refused(reason));
}
