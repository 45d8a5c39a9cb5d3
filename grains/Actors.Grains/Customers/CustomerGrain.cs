using System.Collections.Immutable;
using Actors.Grains.Journal;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Customers;

/// <summary>
/// The customer: loads its state from the journal (snapshot + later events), asks a pure decider what a command
/// means, appends the events, applies them, answers and tells watchers. The state in memory changes only after the
/// append is durable, so nothing is answered or announced that storage does not hold.
/// </summary>
public sealed partial class CustomerGrain(
    ICustomerJournal journal,
    IPaymentGateway gateway,
    ExchangeRates rates,
    IOptions<PaymentSettings> paymentSettings,
    IOptions<JournalSettings> journalSettings,
    PaymentMetrics metrics,
    TimeProvider clock,
    ILogger<CustomerGrain> log) : Grain, ICustomerGrain, IRemindable, IIncomingGrainCallFilter
{
    private static readonly TimeSpan SightingsFlushDelay = TimeSpan.FromSeconds(30);

    private readonly PaymentSettings settings = paymentSettings.Value;

    private CustomerState state = CustomerState.New;

    /// <summary>The sequence number of the last event in the journal that <see cref="state"/> includes.</summary>
    private long head;
    private int eventsSinceSnapshot;

    /// <summary>Device sightings applied in memory but not yet appended: they go with the next append, or a timer's.</summary>
    private List<JournalEvent>? unwrittenSightings;
    private IGrainTimer? sightingsTimer;

    /// <summary>Set when an append failed: memory may disagree with the journal, so this activation steps aside.</summary>
    private bool writeFailed;

    private string CustomerId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var loaded = await journal.Load(CustomerId, cancellationToken);
        (state, head, eventsSinceSnapshot) = (loaded.State, loaded.Sequence, loaded.EventsSinceSnapshot);
        StartAnnouncing();
    }

    /// <summary>Writes what is still only in memory (sightings) with a snapshot, so the next activation replays nothing.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!writeFailed && state.Profile is not null && (eventsSinceSnapshot > 0 || unwrittenSightings is not null))
        {
            await Append([], withSnapshot: true);
        }
    }

    /// <summary>
    /// After every call: notes its device and channel (after it, so creating the customer counts; written lazily, so
    /// reads stay free of writes), and announces what it changed to watchers.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        // An interleaved idempotency check may run while another turn waits on an append: it changes nothing here.
        if (context.InterfaceMethod?.Name == nameof(ICustomerGrain.CheckIdempotency))
        {
            return;
        }
        NoteSighting();
        await Announce();
    }

    /// <summary>
    /// Appends <paramref name="decided"/> (with sightings not yet written, and a snapshot when one is due) and, once
    /// it is durable, makes the result the state. A failure (another activation appended first, or the database is
    /// unreachable) makes this activation step aside: the caller's retry reaches a fresh one that reloads the journal.
    /// </summary>
    private async Task Append(ImmutableArray<JournalEvent> decided, bool withSnapshot = false)
    {
        if (writeFailed)
        {
            throw new Orleans.Storage.InconsistentStateException("This activation of the customer is stepping aside; retry.");
        }
        var events = unwrittenSightings is null ? (IReadOnlyList<JournalEvent>)decided : [.. decided, .. unwrittenSightings];
        if (events.Count == 0 && !withSnapshot)
        {
            return;
        }
        var next = CustomerEvolution.ApplyAll(state, events);
        var snapshot = withSnapshot || eventsSinceSnapshot + events.Count >= journalSettings.Value.SnapshotEvery;
        try
        {
            await journal.Append(CustomerId, head, events, snapshot ? next : null, CancellationToken.None);
        }
        catch (Exception)
        {
            writeFailed = true;
            DeactivateOnIdle();
            throw;
        }
        (state, head) = (next, head + events.Count);
        eventsSinceSnapshot = snapshot ? 0 : eventsSinceSnapshot + events.Count;
        if (unwrittenSightings is not null)
        {
            unwrittenSightings = null;
            sightingsTimer?.Dispose();
            sightingsTimer = null;
        }
    }

    /// <summary>Records the calling device in memory; it is appended lazily, so a busy device costs no extra write.</summary>
    private void NoteSighting()
    {
        if (state.Profile is null || RequestContext.Get(Caller.ContextKey) is not Caller caller
            || state.Sessions.Sighting(caller, clock.GetUtcNow()) is not { } session)
        {
            return;
        }
        state = state with { Sessions = state.Sessions.With(session) };
        (unwrittenSightings ??= []).Add(new DeviceSeen(session) { At = session.LastSeen });
        sightingsTimer ??= this.RegisterGrainTimer(_ => Append([]),
            new GrainTimerCreationOptions(SightingsFlushDelay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>The channel of the current call, as the API put it in the request context.</summary>
    private static string CallerChannel() =>
        RequestContext.Get(Caller.ContextKey) is Caller caller ? caller.Channel : Channels.Web;
}
