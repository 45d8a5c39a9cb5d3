using Actors.Grains.Limits;
using Actors.Grains.Live;
using Orleans.Utilities;

namespace Actors.Grains.Customers;

/// <summary>
/// Live updates: API nodes watch the customer, and every turn that changed something tells them what, numbered.
/// The events are the difference between the state last announced and the state now, so a turn with several
/// writes, a reminder and a timer all announce through the same door, once.
/// </summary>
public sealed partial class CustomerGrain
{
    /// <summary>A watcher that has not renewed for this long is forgotten; API nodes renew every few seconds.</summary>
    public static readonly TimeSpan WatcherExpiry = TimeSpan.FromMinutes(1);

    private ObserverManager<ICustomerObserver>? watchers;

    /// <summary>The last sequence number handed out (or, before the first event, the marker that opens the block).</summary>
    private long sequence;
    private long sequenceCeiling;

    /// <summary>The state watchers have been told of (set as loaded at activation).</summary>
    private CustomerState announced = CustomerState.New;

    /// <summary>Checkout expiries and cooling-off ends up to this moment have been announced.</summary>
    private DateTimeOffset announcedUpTo;
    private DateTimeOffset? dueAt;
    private IGrainTimer? dueTimer;
    private SemaphoreSlim? announcing;

    public async Task<long?> Watch(ICustomerObserver observer, CancellationToken cancellationToken)
    {
        if (durable.Profile is null)
        {
            return null;
        }
        Watchers.Subscribe(observer, observer);
        await InAnnouncingTurn(async () =>
        {
            await ClaimSequences(needed: 0);
            ScheduleDue();
        });
        return sequence;
    }

    public Task Unwatch(ICustomerObserver observer, CancellationToken cancellationToken)
    {
        watchers?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private ObserverManager<ICustomerObserver> Watchers => watchers ??= new(WatcherExpiry, log)
    {
        GetDateTime = () => clock.GetUtcNow().UtcDateTime,
    };

    /// <summary>What watchers have been told matches the state as loaded.</summary>
    private void StartAnnouncing()
    {
        announced = durable;
        announcedUpTo = clock.GetUtcNow();
    }

    /// <summary>
    /// Announcements take turns (the grain is reentrant and claiming numbers awaits an append), so events go out
    /// numbered in the order the changes became durable.
    /// </summary>
    private async Task InAnnouncingTurn(Func<Task> announce)
    {
        var turn = announcing ??= new(1, 1);
        await turn.WaitAsync();
        try
        {
            await announce();
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Tells watchers what became durable since the last announcement.</summary>
    private Task Announce()
    {
        // Once the key is gone nothing can be numbered in the journal; devices heard the erasure before it went.
        if (failure is not null || watchers is not { Count: > 0 } || durable.Erasure is { Shredded: true } || !LiveChanges.Announces(announced, durable))
        {
            announced = durable;
            return Task.CompletedTask;
        }
        return InAnnouncingTurn(async () =>
        {
            var before = announced;
            announced = durable;
            var now = clock.GetUtcNow();
            if (LiveChanges.Erasure(before.Erasure, announced.Erasure) is { } erased)
            {
                // The erased state holds nothing to compare: the erasure is the last word.
                await Publish([erased], now);
                return;
            }
            var changes = LiveChanges.Between(CustomerId, before, announced, LimitsNow, now).ToList();
            await Publish(changes, now);
            ScheduleDue();
        });
    }

    /// <summary>Checkouts that expired and cooling-off periods that ended since the last look: no write marks them.</summary>
    private Task AnnounceDue(CancellationToken cancellationToken) => InAnnouncingTurn(async () =>
    {
        dueAt = null;
        var now = clock.GetUtcNow();
        var passed = LiveChanges.Passed(durable.Commerce, announcedUpTo, now, LimitsNow).ToList();
        announcedUpTo = now;
        if (watchers is { Count: > 0 })
        {
            await Publish(passed, now);
        }
        ScheduleDue();
    });

    private async Task Publish(IReadOnlyList<CustomerEvent> changes, DateTimeOffset now)
    {
        if (changes.Count == 0)
        {
            return;
        }
        await ClaimSequences(changes.Count);
        foreach (var change in changes)
        {
            var numbered = change with { Sequence = ++sequence, At = now };
            // One-way calls: a failed send shows only through the sequence, never by holding this turn.
            Watchers.Notify(watcher => { _ = watcher.OnChanged(numbered); });
        }
    }

    /// <summary>
    /// Makes sure <paramref name="needed"/> more numbers are free in this activation's block. The first claim of an
    /// activation also burns one number (its marker), so a watcher that knew an earlier activation always sees a
    /// jump, and refetches, when the customer moves to another activation.
    /// </summary>
    private async Task ClaimSequences(int needed)
    {
        var first = sequenceCeiling == 0;
        if (!first && sequenceCeiling - sequence >= needed)
        {
            return;
        }
        var from = first ? state.LiveCeiling + 1 : sequence;
        await Commit([new LiveNumbersClaimed(from + Math.Max(needed, LiveNumbersClaimed.BlockSize)) { At = clock.GetUtcNow() }]);
        sequence = from;
        sequenceCeiling = state.LiveCeiling;
    }

    /// <summary>Keeps one timer, for the next expiry or cooling-off end, while anyone watches.</summary>
    private void ScheduleDue()
    {
        var next = watchers is { Count: > 0 } ? LiveChanges.NextDue(durable.Commerce, announcedUpTo) : null;
        if (next == dueAt)
        {
            return;
        }
        dueTimer?.Dispose();
        dueTimer = null;
        dueAt = next;
        if (next is { } moment)
        {
            var wait = moment - clock.GetUtcNow();
            dueTimer = this.RegisterGrainTimer(AnnounceDue,
                new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    private LimitsView LimitsNow() => LimitsDecider.View(durable, clock.GetUtcNow());
}
