using Actors.Grains.Customers;
using Actors.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Actors.Grains.Identity;

/// <summary>
/// Keeps one identifier's claim in grain storage. Every change is written with the ETag it read, so a second
/// activation (during a membership change) that tries to hand the identifier out fails with a conflict and steps
/// aside: uniqueness rests on the stored row, not on there being one activation. Not reentrant: one change at a time.
/// </summary>
public sealed partial class IdentityGrain(
    [PersistentState("identity", StorageNames.Customers)] IPersistentState<IdentityState> stored,
    IGrainFactory grains,
    TimeProvider clock,
    ILogger<IdentityGrain> log) : Grain, IIdentityGrain, IRemindable
{
    private const string SettleReminder = "settle";

    /// <summary>How often an unsettled claim is checked with its customer (the reminder service's minimum period).</summary>
    private static readonly TimeSpan SettleEvery = TimeSpan.FromMinutes(1);

    /// <summary>The reminder as registered by this activation; unknown (null) after a reactivation.</summary>
    private IGrainReminder? reminder;

    private IdentityClaim? Current => stored.State.Claim;

    public async Task<string?> Resolve(CancellationToken cancellationToken)
    {
        await Settle();
        return Current is { Status: ClaimStatus.Held or ClaimStatus.Releasing } claim ? claim.CustomerId : null;
    }

    public async Task<bool> Claim(string customerId, CancellationToken cancellationToken)
    {
        if (Current is { } held && held.CustomerId != customerId)
        {
            // The holder may have crashed half-way, or changed its mind: only its journal can say.
            await Settle(evenIfHeld: true);
            if (Current is not null)
            {
                return false;
            }
        }
        await Save(new IdentityClaim(customerId, ClaimStatus.Claiming, clock.GetUtcNow()));
        return true;
    }

    public async Task<bool> Confirm(string customerId, CancellationToken cancellationToken)
    {
        if (Current?.CustomerId != customerId)
        {
            return false;
        }
        if (Current.Status != ClaimStatus.Held)
        {
            await Save(Current with { Status = ClaimStatus.Held });
        }
        return true;
    }

    public async Task BeginRelease(string customerId, CancellationToken cancellationToken)
    {
        if (Current?.CustomerId == customerId && Current.Status != ClaimStatus.Releasing)
        {
            await Save(Current with { Status = ClaimStatus.Releasing, Since = clock.GetUtcNow() });
        }
    }

    public async Task Release(string customerId, CancellationToken cancellationToken)
    {
        if (Current?.CustomerId == customerId)
        {
            await Save(null);
        }
    }

    public Task<IdentityClaim?> GetClaim(CancellationToken cancellationToken) => Task.FromResult(Current);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SettleReminder)
        {
            await Settle();
            if (Current is null or { Status: ClaimStatus.Held })
            {
                await StopReminder();
            }
        }
    }

    /// <summary>
    /// Asks the holder whether its journal holds the identifier, when the claim is unsettled (or always, with
    /// <paramref name="evenIfHeld"/>), and stores what it says; a holder still changing it is asked again later.
    /// </summary>
    private async Task Settle(bool evenIfHeld = false)
    {
        if (Current is not { } claim || (claim.Status == ClaimStatus.Held && !evenIfHeld))
        {
            return;
        }
        var holding = await grains.GetGrain<ICustomerGrain>(claim.CustomerId).Holds(this.GetPrimaryKeyString());
        switch (holding)
        {
            case Holding.Holds when claim.Status != ClaimStatus.Held:
                LogSettled(log, this.GetPrimaryKeyString(), claim.CustomerId, "held");
                await Save(claim with { Status = ClaimStatus.Held });
                break;
            case Holding.DoesNotHold:
                LogSettled(log, this.GetPrimaryKeyString(), claim.CustomerId, "released");
                await Save(null);
                break;
        }
    }

    /// <summary>
    /// Writes <paramref name="claim"/> with the ETag read. A conflict means another activation wrote: this one
    /// reloads nothing and steps aside, and the caller retries against the one that won.
    /// </summary>
    private async Task Save(IdentityClaim? claim)
    {
        var unsettled = claim is { Status: not ClaimStatus.Held };
        if (unsettled)
        {
            // Durable before the claim is, so a crash after it is always followed up.
            reminder ??= await this.RegisterOrUpdateReminder(SettleReminder, SettleEvery, SettleEvery);
        }
        var before = stored.State.Claim;
        stored.State.Claim = claim;
        try
        {
            await stored.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            stored.State.Claim = before;
            DeactivateOnIdle();
            throw;
        }
        if (!unsettled)
        {
            await StopReminder();
        }
    }

    private async Task StopReminder()
    {
        if ((reminder ?? await this.GetReminder(SettleReminder)) is { } registered)
        {
            await this.UnregisterReminder(registered);
        }
        reminder = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsettled claim of {Identity} by {CustomerId} settled as {Outcome}")]
    private static partial void LogSettled(ILogger logger, string identity, string customerId, string outcome);
}
