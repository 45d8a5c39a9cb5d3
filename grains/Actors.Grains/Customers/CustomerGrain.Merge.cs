using Actors.Grains.Journal;
using Actors.Grains.Live;
using Actors.Grains.Merge;
using Actors.Grains.Retention;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// Merging two customers across their two grains. The survivor journals its intent first (<see cref="MergeStarted"/>),
/// the merged-away customer records <see cref="MergedInto"/> with what it hands over, and the survivor takes that in
/// (<see cref="MergeCompleted"/>). A crash between the steps leaves a pending merge that the next activation (a timer),
/// the next merge request or the <c>merge</c> reminder finishes; every step answers a repeat with what it did before.
/// Once merged away, a customer refuses every call but the merge protocol, watching and the identity protocol
/// (<see cref="CustomerMergedException"/>, thrown from <see cref="Invoke"/> and from <see cref="Commit"/>).
/// </summary>
public sealed partial class CustomerGrain
{
    private const string MergeReminder = "merge";
    private static readonly TimeSpan MergeReminderPeriod = TimeSpan.FromMinutes(1);

    public async Task<MergeResult> Merge(string fromId, CancellationToken cancellationToken)
    {
        if (fromId == CustomerId)
        {
            return new MergeResult.Self();
        }
        if (state.Profile is not { } profile)
        {
            return new MergeResult.NotFound(CustomerId);
        }
        if (state.Merges.MergedInto is { } into)
        {
            return into == fromId ? new MergeResult.Merged(into, CustomerId) : new MergeResult.AlreadyMerged(CustomerId, into);
        }
        if (state.Merges.MergedFrom.Contains(fromId) || state.Merges.Pending.Contains(fromId))
        {
            return await Absorb(fromId, cancellationToken);
        }
        var other = await CustomerOf(fromId).GetMergeStanding(cancellationToken);
        if (other is null)
        {
            return new MergeResult.NotFound(fromId);
        }
        if (other.MergedInto is { } otherInto && otherInto != CustomerId)
        {
            return new MergeResult.AlreadyMerged(fromId, otherInto);
        }
        return other.MergedInto == CustomerId || MergeDecider.Survives(CustomerId, profile.CreatedAt, fromId, other.CreatedAt)
            ? await Absorb(fromId, cancellationToken)
            : await CustomerOf(fromId).Absorb(CustomerId, cancellationToken);
    }

    public async Task<MergeResult> Absorb(string mergedId, CancellationToken cancellationToken)
    {
        if (mergedId == CustomerId)
        {
            return new MergeResult.Self();
        }
        // The reminder first, then the intent: no pending merge is ever left without something to finish it.
        if (state.Profile is not null && state.Merges.MergedInto is null && !state.Merges.MergedFrom.Contains(mergedId))
        {
            await EnsureReminder(MergeReminder, MergeReminderPeriod, MergeReminderPeriod);
        }
        var start = MergeDecider.Start(state, CustomerId, mergedId, clock.GetUtcNow());
        if (start.Answer is { } answer)
        {
            await Commit([]);
            return answer;
        }
        await Commit(start.Events);
        return await FinishMerge(mergedId);
    }

    public async Task<HandOverResult> HandOver(string survivorId, CancellationToken cancellationToken) =>
        await DecideWithIdentities(
            () => MergeDecider.HandOver(state, CustomerId, survivorId, clock.GetUtcNow()),
            _ => throw new InvalidOperationException("Handing over only releases identifiers."));

    public Task<MergeStanding?> GetMergeStanding(CancellationToken cancellationToken) => Task.FromResult(MergeDecider.Standing(state));

    public Task<IReadOnlyList<string>?> GetMergedFrom(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(durable.Profile is null ? null : [.. durable.Merges.MergedFrom]);

    /// <summary>
    /// Asks the merged-away customer for its handover and takes it in; a refusal (busy, unknown, merged elsewhere)
    /// cancels the pending merge. An identifier another customer claimed meanwhile stays theirs.
    /// </summary>
    private async Task<MergeResult> FinishMerge(string mergedId)
    {
        var handed = await CustomerOf(mergedId).HandOver(CustomerId);
        if (handed is HandOverResult.Refused refused)
        {
            var cancel = MergeDecider.Cancel(state, mergedId, refused.Reason, clock.GetUtcNow());
            await Commit(cancel.Events);
            return cancel.Answer;
        }
        var handover = ((HandOverResult.Handed)handed).Handover;
        var unavailable = new HashSet<string>(StringComparer.Ordinal);
        var channel = CallerChannel();
        while (true)
        {
            var result = await DecideWithIdentities<MergeResult?>(
                () =>
                {
                    var complete = MergeDecider.Complete(state, CustomerId, handover, ConvertForMerge, channel, unavailable, clock.GetUtcNow());
                    return new Decision<MergeResult?>(complete.Events, complete.Answer);
                },
                taken =>
                {
                    unavailable.Add(taken.Key);
                    LogIdentityTaken(log, CustomerId, mergedId, taken.Kind);
                    return null;
                });
            if (result is not null)
            {
                return result;
            }
        }
    }

    private long ConvertForMerge(long amount, string from, string to) =>
        rates.TryConvert(amount, from, to, out var converted)
            ? converted
            : throw new InvalidOperationException($"No rate from {from} to {to}: the merge of {CustomerId} waits for one.");

    /// <summary>Finishes every merge left half-done (after a crash): on activation, and from the reminder.</summary>
    private async Task FinishPendingMerges()
    {
        foreach (var mergedId in state.Merges.Pending)
        {
            try
            {
                await FinishMerge(mergedId);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogMergeUnfinished(log, CustomerId, mergedId, exception.GetType().Name, exception.Message);
            }
        }
        await Announce();
    }

    private async Task ReceiveMergeReminder()
    {
        await FinishPendingMerges();
        await DropReminderWhen(MergeReminder, () => state.Merges.Pending.IsEmpty);
    }

    /// <summary>A merged-away customer still answers these: the merge protocol (so a repeat gets its answer), watching, and identity grains settling claims.</summary>
    private static bool AnswersWhenMerged(string? method) => method is nameof(ICustomerGrain.Merge) or nameof(ICustomerGrain.Absorb)
        or nameof(ICustomerGrain.HandOver) or nameof(ICustomerGrain.GetMergeStanding) or nameof(ICustomerGrain.Watch)
        or nameof(ICustomerGrain.Unwatch) or nameof(ICustomerGrain.Holds) or nameof(ICustomerGrain.RemoveAgedData);

    /// <summary>
    /// Whether <paramref name="events"/> may still be appended by a customer merged away: only live-number blocks, so it
    /// can announce the merge, and what retention removes.
    /// </summary>
    private static bool MayAppendWhenMerged(IEnumerable<JournalEvent> events) => events.All(change => change is LiveNumbersClaimed or AgedDataRemoved);

    private ICustomerGrain CustomerOf(string customerId) => GrainFactory.GetGrain<ICustomerGrain>(customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{CustomerId} took in {MergedId} without its {Kind}: another customer claimed it meanwhile")]
    private static partial void LogIdentityTaken(ILogger logger, string customerId, string mergedId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Merge of {MergedId} into {CustomerId} not finished yet ({ExceptionType}: {Reason}); the reminder will retry")]
    private static partial void LogMergeUnfinished(ILogger logger, string customerId, string mergedId, string exceptionType, string reason);
}
