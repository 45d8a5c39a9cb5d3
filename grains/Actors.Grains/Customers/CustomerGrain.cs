using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Erasure;
using Actors.Grains.Experiments;
using Actors.Grains.Journal;
using Actors.Grains.Merge;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.Privacy;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Actors.Grains.Customers;

/// <summary>
/// The customer: loads its state from the journal (snapshot + later events), asks a pure decider what a command
/// means, commits the events, and answers once they are durable.
/// <para>
/// Two states: <see cref="state"/> is what has been decided (the durable state plus what is being written), and every
/// decision is taken against it synchronously, so one decision always sees every earlier one (a reservation counts
/// against the cap at once) and no lock is needed. <see cref="durable"/> is what the journal holds: reads, live events
/// and stored answers come from it, and no answer is given before the state it was decided on is durable. The grain
/// is reentrant so that it decides the next command while an append commits or the gateway answers; one writer per
/// activation appends whatever has been decided, in order. A failed append fails everything decided after it, and
/// the activation steps aside.
/// </para>
/// </summary>
[Reentrant]
public sealed partial class CustomerGrain(
    ICustomerJournal journal,
    IPaymentGateway gateway,
    ExchangeRates rates,
    IOptions<PaymentSettings> paymentSettings,
    IOptions<PersonalizationSettings> personalizationSettings,
    IOptions<JournalSettings> journalSettings,
    PaymentMetrics metrics,
    IdentityKeys identityKeys,
    Exclusions exclusions,
    IOptions<StepUpSettings> stepUpSettings,
    IStepUpCodeSender stepUpCodes,
    TimeProvider clock,
    ILogger<CustomerGrain> log) : Grain, ICustomerGrain, IRemindable, IIncomingGrainCallFilter
{
    private static readonly TimeSpan SightingsFlushDelay = TimeSpan.FromSeconds(30);

    private readonly PaymentSettings settings = paymentSettings.Value;
    private readonly PersonalizationSettings personalization = personalizationSettings.Value;

    /// <summary>What has been decided: <see cref="durable"/> and every event still being written.</summary>
    private CustomerState state = CustomerState.New;

    /// <summary>The sequence number of the last event decided, and of the last one a command (not a sighting) decided.</summary>
    private long head;
    private long lastDecided;

    /// <summary>What the journal holds, up to <see cref="durableHead"/>.</summary>
    private CustomerState durable = CustomerState.New;
    private long durableHead;
    private int eventsSinceSnapshot;

    /// <summary>The hash of the last audit entry the journal holds: the next one links to it (this activation is its only writer).</summary>
    private AuditHead auditHead = AuditHead.Genesis;

    /// <summary>Events decided and not yet handed to the journal, in sequence order after <see cref="durableHead"/>.</summary>
    private List<JournalEvent>? unwritten;
    private Task? writing;
    private List<(long UpTo, TaskCompletionSource Durable)>? waiting;

    /// <summary>Device sightings wait for the next append, or for this timer.</summary>
    private IGrainTimer? sightingsTimer;

    /// <summary>Why an append failed: memory may disagree with the journal, so this activation steps aside.</summary>
    private Exception? failure;

    private string CustomerId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        JournalLoad loaded;
        try
        {
            loaded = await journal.Load(CustomerId, cancellationToken);
        }
        catch (Exception exception) when (Hosting.DatabaseUnavailableException.CauseOf(exception) is not null)
        {
            // A failed activation skips the grain call filters, and the driver's exception cannot reach the caller.
            throw new Hosting.DatabaseUnavailableException();
        }
        (state, durable) = (loaded.State, loaded.State);
        (head, lastDecided, durableHead) = (loaded.Sequence, loaded.Sequence, loaded.Sequence);
        eventsSinceSnapshot = loaded.EventsSinceSnapshot;
        auditHead = loaded.AuditHead;
        StartAnnouncing();
        if (!state.Merges.Pending.IsEmpty)
        {
            // A merge this customer started before a crash: finish it now rather than at the next reminder.
            this.RegisterGrainTimer(_ => FinishPendingMerges(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        if (state.Erasure is { Shredded: false })
        {
            // An erasure started before a crash: finish it now rather than at the next reminder.
            this.RegisterGrainTimer(_ => FinishErasure(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>Writes what is still only in memory (sightings) with a snapshot, so the next activation replays nothing.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (writing is { } inFlight)
        {
            await inFlight;
        }
        if (failure is not null || durable.Profile is null)
        {
            return;
        }
        if (unwritten is { Count: > 0 } rest)
        {
            unwritten = null;
            await journal.Append(CustomerId, durableHead, rest, state, CancellationToken.None, auditHead);
        }
        else if (eventsSinceSnapshot > 0)
        {
            await journal.Append(CustomerId, durableHead, [], durable, CancellationToken.None, auditHead);
        }
    }

    /// <summary>
    /// After every call: notes its device and channel (after it, so creating the customer counts; written lazily, so
    /// reads stay free of writes), and announces what it changed to watchers.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // A customer merged away redirects everything to its survivor; the API turns this into 308 or 409.
        if (state.Merges.MergedInto is { } survivor && context.InterfaceMethod?.DeclaringType == typeof(ICustomerGrain)
            && !AnswersWhenMerged(context.InterfaceMethod.Name))
        {
            throw new CustomerMergedException(CustomerId, survivor);
        }
        // A customer being erased, or erased, is gone for everything but the erasure itself; the API answers 410.
        if (state.Erasure is not null && context.InterfaceMethod?.DeclaringType == typeof(ICustomerGrain)
            && !AnswersWhenErased(context.InterfaceMethod.Name))
        {
            throw new CustomerErasedException(CustomerId);
        }
        await context.Invoke();
        // An idempotency check only answers; the request it precedes notes the device.
        // An identity grain asking whether an identifier is held is no device of this customer.
        if (context.InterfaceMethod?.Name is nameof(ICustomerGrain.CheckIdempotency) or nameof(ICustomerGrain.Holds))
        {
            return;
        }
        NoteSighting();
        await Announce();
    }

    /// <summary>
    /// Decides <paramref name="events"/> (they count for every later decision at once) and completes once they, and
    /// everything decided before them, are durable. With no events it completes once the state the caller decided on
    /// is durable, so a refusal is never based on something the journal may not keep.
    /// </summary>
    private Task Commit(ImmutableArray<JournalEvent> events)
    {
        if (failure is not null)
        {
            return Task.FromException(SteppingAside());
        }
        // However a decision got here (it may have awaited while the merge was recorded), nothing lands after it.
        if (state.Merges.MergedInto is { } survivor && !MayAppendWhenMerged(events))
        {
            return Task.FromException(new CustomerMergedException(CustomerId, survivor));
        }
        if (state.Erasure is { } erasure && !MayAppendWhenErasing(erasure, events))
        {
            return Task.FromException(new CustomerErasedException(CustomerId));
        }
        if (!events.IsEmpty)
        {
            Queue(events);
            lastDecided = head;
            if (writing is null || writing.IsCompleted)
            {
                writing = Write();
            }
        }
        return Durable(lastDecided);
    }

    private void Queue(IEnumerable<JournalEvent> events)
    {
        unwritten ??= [];
        foreach (var change in events)
        {
            state = CustomerEvolution.Apply(state, change);
            head++;
            unwritten.Add(change);
        }
    }

    private Task Durable(long upTo)
    {
        if (upTo <= durableHead)
        {
            return Task.CompletedTask;
        }
        var durableTask = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (waiting ??= []).Add((upTo, durableTask));
        return durableTask.Task;
    }

    /// <summary>
    /// The activation's one writer: appends everything decided so far as one append (with a snapshot when one is due),
    /// then whatever was decided meanwhile, until nothing is left. Appends of one customer never overlap.
    /// </summary>
    private async Task Write()
    {
        while (unwritten is { Count: > 0 } events && failure is null)
        {
            unwritten = null;
            // Everything decided is in this append, so the decided state is exactly what it leaves.
            var next = state;
            var snapshot = eventsSinceSnapshot + events.Count >= journalSettings.Value.SnapshotEvery;
            AuditHead nextAuditHead;
            try
            {
                nextAuditHead = await journal.Append(CustomerId, durableHead, events, snapshot ? next : null, CancellationToken.None, auditHead);
            }
            catch (Exception exception)
            {
                Fail(exception);
                return;
            }
            (durable, durableHead, auditHead) = (next, durableHead + events.Count, nextAuditHead);
            CountInExperiments(events);
            metrics.Written(events);
            eventsSinceSnapshot = snapshot ? 0 : eventsSinceSnapshot + events.Count;
            if (unwritten is null)
            {
                sightingsTimer?.Dispose();
                sightingsTimer = null;
            }
            ReleaseWaiting();
        }
    }

    private void ReleaseWaiting()
    {
        if (waiting is null)
        {
            return;
        }
        waiting.RemoveAll(waiter =>
        {
            if (waiter.UpTo > durableHead)
            {
                return false;
            }
            waiter.Durable.TrySetResult();
            return true;
        });
    }

    /// <summary>Everyone waiting gets the failure; the next call reaches a fresh activation, which reloads the journal.</summary>
    private void Fail(Exception exception)
    {
        failure = exception;
        unwritten = null;
        DeactivateOnIdle();
        foreach (var (_, waiter) in waiting ?? [])
        {
            waiter.TrySetException(exception);
        }
        waiting = null;
    }

    private InconsistentStateException SteppingAside() =>
        new($"This activation of {CustomerId} is stepping aside after a failed append; retry.", failure);

    /// <summary>Tells the experiments' tally of checkouts created and paid, once they are durable (only those that count).</summary>
    private void CountInExperiments(List<JournalEvent> written)
    {
        foreach (var change in written)
        {
            var counted = change switch
            {
                CheckoutCreated { Summary.Checkout: { CountsInExperiments: true } checkout } => (checkout, Converted: false),
                PaymentSucceeded paid when durable.Commerce.FindPayment(paid.PaymentId) is { } payment
                    && durable.Commerce.Checkouts.GetValueOrDefault(payment.CheckoutId) is { CountsInExperiments: true } checkout => (checkout, Converted: true),
                _ => default,
            };
            if (counted.checkout is { } inExperiments)
            {
                _ = GrainFactory.GetGrain<IExperimentsGrain>(IExperimentsGrain.Key).Count(inExperiments.Experiments, counted.Converted);
            }
        }
    }

    /// <summary>Records the calling device in memory; it is appended lazily, so a busy device costs no extra write.</summary>
    private void NoteSighting()
    {
        // The customer's own devices and the store tills that sell to them are its sessions; staff looking it up are not.
        if (failure is not null || state.Profile is null || state.Erasure is not null || RequestContext.Get(Caller.ContextKey) is not Caller caller
            || (!caller.ByCustomer && caller.Channel != Channels.Pos)
            || state.Sessions.Sighting(caller, clock.GetUtcNow()) is not { } session)
        {
            return;
        }
        Queue([new DeviceSeen(session) { At = session.LastSeen }]);
        sightingsTimer ??= this.RegisterGrainTimer(_ => WriteNow(), new GrainTimerCreationOptions(SightingsFlushDelay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Starts the writer for what waits (sightings) and completes when it is written.</summary>
    private Task WriteNow()
    {
        if (failure is null && unwritten is { Count: > 0 } && (writing is null || writing.IsCompleted))
        {
            writing = Write();
        }
        return writing ?? Task.CompletedTask;
    }

    /// <summary>The channel of the current call, as the API put it in the request context.</summary>
    private static string CallerChannel() =>
        RequestContext.Get(Caller.ContextKey) is Caller caller ? caller.Channel : Channels.Web;

    private static string? CallerDevice() => RequestContext.Get(Caller.ContextKey) is Caller caller ? caller.DeviceId : null;
}
