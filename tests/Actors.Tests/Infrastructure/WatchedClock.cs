using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A fake clock that shows the timers started on it: a test learns that code is waiting on the clock (and for how
/// long) before it moves time, and whether the wait is over, instead of guessing with real time.
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly Channel<WatchedTimer> started = Channel.CreateUnbounded<WatchedTimer>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var watched = new WatchedTimer(dueTime);
        var timer = base.CreateTimer(value =>
        {
            watched.Fire();
            callback(value);
        }, state, dueTime, period);
        started.Writer.TryWrite(watched);
        return timer;
    }

    /// <summary>The next timer started on this clock, once some code starts one (within a generous deadline).</summary>
    public async Task<WatchedTimer> NextTimer()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await started.Reader.ReadAsync(deadline.Token);
    }
}

/// <summary>A timer started on a <see cref="WatchedClock"/>.</summary>
public sealed class WatchedTimer(TimeSpan dueTime)
{
    private int fired;

    /// <summary>How far ahead of the clock it was set to fire.</summary>
    public TimeSpan DueTime { get; } = dueTime;

    public bool HasFired => Volatile.Read(ref fired) == 1;

    internal void Fire() => Volatile.Write(ref fired, 1);
}
