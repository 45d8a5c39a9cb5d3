using Actors.Grains.Erasure;
using Actors.Grains.Journal;
using Actors.Grains.Live;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// Erasure by crypto-shredding, in steps that each do nothing when already done, so a repeat, the next activation
/// (a timer) or the <c>erasure</c> reminder finishes whatever a crash left:
/// <list type="number">
/// <item>the reminder, then <see cref="ErasureStarted"/>: from here every call but the erasure's own is refused;</item>
/// <item>a self-exclusion in force is kept in minimal form (<see cref="Privacy.Exclusions"/>), while the identifiers are still known;</item>
/// <item>every identifier is released through its identity grain, so a new customer can claim it;</item>
/// <item><see cref="CustomerErased"/>, the last event (nothing can be sealed after the key goes), and devices hear of it;</item>
/// <item>the data key is destroyed with a tombstone written (<see cref="ICustomerJournal.Shred"/>); then the reminders go.</item>
/// </list>
/// </summary>
public sealed partial class CustomerGrain
{
    private const string ErasureReminder = "erasure";
    private static readonly TimeSpan ErasureReminderPeriod = TimeSpan.FromMinutes(1);

    private Task<ErasureResult>? erasing;

    public async Task<ErasureResult> Erase(ErasedBy by, CancellationToken cancellationToken)
    {
        if (state.Erasure is null)
        {
            // A customer's own erasure is the most sensitive change of all: it needs a fresh step-up, as caps and cards do.
            if (by == ErasedBy.Customer && StepUpStanding().Required is { } method)
            {
                return new ErasureResult.StepUpRequired(method);
            }
            var start = ErasureDecider.Start(state, by, clock.GetUtcNow());
            if (start.Events.IsEmpty)
            {
                await Commit([]);
                return start.Answer;
            }
            // The reminder first, then the intent: no erasure is ever left without something to finish it.
            await EnsureReminder(ErasureReminder, ErasureReminderPeriod, ErasureReminderPeriod);
            start = ErasureDecider.Start(state, by, clock.GetUtcNow());
            await Commit(start.Events);
            if (start.Answer is not ErasureResult.Erasing)
            {
                return start.Answer;
            }
        }
        return await FinishErasure();
    }

    /// <summary>Runs the steps left (one run at a time); a step that fails leaves the rest to the reminder.</summary>
    private Task<ErasureResult> FinishErasure() => erasing is { IsCompleted: false } running ? running : erasing = RunErasureSteps();

    private async Task<ErasureResult> RunErasureSteps()
    {
        try
        {
            if (state.Erasure is { ExclusionUntil: { } until, ErasedAt: null } && ErasureDecider.ExcludedIdentifiers(state) is { IsEmpty: false } excluded)
            {
                await exclusions.Keep([.. excluded.Select(identityKeys.GrainKey)], until, CancellationToken.None);
            }
            if (!state.Identities.IsEmpty)
            {
                await DecideWithIdentities(() => ErasureDecider.ReleaseIdentifiers(state, clock.GetUtcNow()),
                    _ => throw new InvalidOperationException("Erasure only releases identifiers."));
            }
            await Commit(ErasureDecider.Finish(state, clock.GetUtcNow()));
            // The last word to devices goes out while it can still be numbered in the journal.
            await Announce();
            if (state.Erasure is { Shredded: false } erasure)
            {
                await journal.Shred([CustomerId, .. erasure.MergedFrom], CancellationToken.None);
                // The tombstone is no event (nothing can be sealed now); the next activation finds it and loads this.
                state = durable = state with { Erasure = erasure with { Shredded = true } };
                LogErased(log, CustomerId, erasure.By.ToString());
            }
            await ForgetReminders();
            return new ErasureResult.Erased();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogErasureUnfinished(log, CustomerId, exception.GetType().Name, exception.Message);
            return new ErasureResult.Erasing();
        }
    }

    private async Task ReceiveErasureReminder()
    {
        if (state.Erasure is null)
        {
            await DropReminderWhen(ErasureReminder, () => state.Erasure is null);
            return;
        }
        await FinishErasure();
    }

    /// <summary>What a customer being erased still answers: the erasure itself, identity grains settling claims, and watchers leaving.</summary>
    private static bool AnswersWhenErased(string? method) =>
        method is nameof(ICustomerGrain.Erase) or nameof(ICustomerGrain.Holds) or nameof(ICustomerGrain.Unwatch);

    /// <summary>
    /// What a customer being erased may still append: its identifier releases and last event, and live numbers for
    /// telling devices; once its key is gone, nothing at all.
    /// </summary>
    private static bool MayAppendWhenErasing(ErasureState erasure, IEnumerable<JournalEvent> events) =>
        events.All(change => !erasure.Shredded
            && (change is LiveNumbersClaimed || erasure.ErasedAt is null && change is Identity.IdentityReleased or CustomerErased));

    [LoggerMessage(Level = LogLevel.Information, Message = "{CustomerId} erased (asked by {By}): data key destroyed")]
    private static partial void LogErased(ILogger logger, string customerId, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure of {CustomerId} not finished yet ({ExceptionType}: {Reason}); the reminder will retry")]
    private static partial void LogErasureUnfinished(ILogger logger, string customerId, string exceptionType, string reason);
}
