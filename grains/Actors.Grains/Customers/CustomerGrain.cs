using Actors.Grains.Hosting;
using Actors.Grains.Live;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Customers;

/// <summary>
/// The customer: loads state, asks a pure rule what to do, persists once, answers. Profile, commerce and sessions
/// are separate rows so a profile edit or a device sighting never rewrites the money state.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("profile", StorageNames.Customers)] IPersistentState<ProfileState> profile,
    [PersistentState("commerce", StorageNames.Customers)] IPersistentState<CommerceState> commerce,
    [PersistentState("sessions", StorageNames.Customers)] IPersistentState<SessionsState> sessions,
    [PersistentState("live", StorageNames.Customers)] IPersistentState<LiveState> live,
    IPaymentGateway gateway,
    ILedger ledger,
    ExchangeRates rates,
    IOptions<PaymentSettings> paymentSettings,
    PaymentMetrics metrics,
    TimeProvider clock,
    ILogger<CustomerGrain> log) : Grain, ICustomerGrain, IRemindable, IIncomingGrainCallFilter
{
    private static readonly TimeSpan SessionFlushInterval = TimeSpan.FromSeconds(30);

    private readonly PaymentSettings settings = paymentSettings.Value;
    private bool sessionsChanged;

    /// <summary>Set when a write failed: memory may be ahead of storage, so nothing more is announced from it.</summary>
    private bool writeFailed;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Ledger entries a crashed activation persisted but may not have inserted: insert them now (duplicates are ignored).
        await FlushOutbox(cancellationToken);
        StartAnnouncing();
        this.RegisterGrainTimer(FlushSessions, new GrainTimerCreationOptions(SessionFlushInterval, SessionFlushInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (sessionsChanged && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await FlushSessions(cancellationToken);
        }
    }

    /// <summary>
    /// After every call: notes its device and channel (after it, so creating the customer counts; written lazily, so
    /// reads stay free of writes), and announces what it changed to watchers.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (RequestContext.Get(Caller.ContextKey) is Caller caller && profile.State.Profile is not null)
        {
            var seen = sessions.State.Seen(caller, clock.GetUtcNow());
            sessionsChanged |= !ReferenceEquals(seen, sessions.State);
            sessions.State = seen;
        }
        // An interleaved idempotency check may run while another turn waits on a write: that state is not yet durable.
        if (context.InterfaceMethod?.Name != nameof(ICustomerGrain.CheckIdempotency))
        {
            await Announce(CancellationToken.None);
        }
    }

    public async Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is { } existing)
        {
            return new ProfileResult.AlreadyExists(existing);
        }

        var created = ProfileRules.Create(this.GetPrimaryKeyString(), draft, clock.GetUtcNow());
        if (created is ProfileResult.Found found)
        {
            profile.State = new ProfileState { Profile = found.Profile };
            await Persist(profile, cancellationToken);
        }
        return created;
    }

    public Task<ProfileResult> GetProfile(CancellationToken cancellationToken) =>
        Task.FromResult<ProfileResult>(profile.State.Profile is { } current
            ? new ProfileResult.Found(current)
            : new ProfileResult.NotFound());

    public async Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is not { } current)
        {
            return new ProfileResult.NotFound();
        }

        var updated = ProfileRules.Apply(current, expectedVersion, patch, clock.GetUtcNow());
        if (updated is ProfileResult.Found found && found.Profile.Version != current.Version)
        {
            profile.State = profile.State with { Profile = found.Profile };
            await Persist(profile, cancellationToken);
        }
        return updated;
    }

    public Task<IReadOnlyList<DeviceSession>?> GetSessions(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceSession>?>(profile.State.Profile is null ? null : sessions.State.Sessions);

    private async Task FlushSessions(CancellationToken cancellationToken)
    {
        if (!sessionsChanged)
        {
            return;
        }
        sessionsChanged = false;
        await Persist(sessions, cancellationToken);
    }

    /// <summary>The customer's own time zone, in which daily, weekly and monthly windows begin.</summary>
    private TimeZoneInfo Zone(Profile customer) => TimeZoneInfo.FindSystemTimeZoneById(customer.TimeZone);

    /// <summary>
    /// A write that fails leaves memory ahead of storage, so this activation steps aside and the next call starts
    /// from what is stored. A failed ETag check means another activation of this customer won (possible for a
    /// moment during membership changes); the caller's retry reaches the winner.
    /// </summary>
    private async Task Persist<TState>(IPersistentState<TState> state, CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception)
        {
            writeFailed = true;
            DeactivateOnIdle();
            throw;
        }
    }
}
