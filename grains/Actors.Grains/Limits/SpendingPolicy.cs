using Actors.Grains.Money;

namespace Actors.Grains.Limits;

public abstract record CapDecision
{
    public sealed record Allowed : CapDecision;

    /// <summary>The window that blocks: among those the amount would exceed, the one with the least left.</summary>
    public sealed record Exceeded(CapWindow Window, long Cap, long Remaining, DateTimeOffset ResetsAt) : CapDecision;
}

public abstract record LimitsChange
{
    public sealed record Applied(SpendingLimits Limits) : LimitsChange;

    /// <summary>Errors keyed by window name (<c>daily</c>, <c>weekly</c>, <c>monthly</c>).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : LimitsChange;
}

public abstract record ExclusionChange
{
    public sealed record Applied(SpendingLimits Limits) : ExclusionChange;

    public sealed record TooSoon(DateTimeOffset Earliest) : ExclusionChange;

    public sealed record WouldShorten(DateTimeOffset Current) : ExclusionChange;
}

/// <summary>
/// Spending controls as regulated gaming and app stores have them. Making a cap stricter applies at once; making it
/// looser (raise or removal) waits out a cooling-off. The lowest headroom applies. Self-exclusion lasts at least a
/// day and can only be extended. Pure: time is always a parameter.
/// </summary>
public static class SpendingPolicy
{
    public static readonly TimeSpan MinimumExclusion = TimeSpan.FromHours(24);

    /// <summary>The limits in force at <paramref name="now"/>: every pending change that is due applied.</summary>
    public static SpendingLimits EffectiveAt(SpendingLimits limits, DateTimeOffset now)
    {
        var due = limits.Pending.Where(pending => pending.EffectiveAt <= now).ToList();
        if (due.Count == 0)
        {
            return limits;
        }
        var applied = due.Aggregate(limits, (current, pending) => current.WithCap(pending.Window, pending.Amount));
        return applied with { Pending = limits.Pending.RemoveRange(due) };
    }

    public static LimitsChange Change(SpendingLimits limits, CapRequest desired, DateTimeOffset now, TimeSpan coolingOff)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var window in Enum.GetValues<CapWindow>())
        {
            if (desired.For(window) is <= 0 or > Amounts.Max)
            {
                errors[Name(window)] = [$"must be a whole number of minor units from 1 to {Amounts.Max}, or null for no cap"];
            }
        }
        if (errors.Count > 0)
        {
            return new LimitsChange.Invalid(errors);
        }

        var next = EffectiveAt(limits, now);
        foreach (var window in Enum.GetValues<CapWindow>())
        {
            var current = next.CapOf(window);
            var wanted = desired.For(window);
            var others = next.Pending.RemoveAll(pending => pending.Window == window);
            next = IsLooser(wanted, current)
                ? next with { Pending = others.Add(new PendingCap(window, wanted, now, now + coolingOff)) }
                // Stricter or the same: in force at once, and any raise still waiting for this window is cancelled.
                : next.WithCap(window, wanted) with { Pending = others };
        }
        return new LimitsChange.Applied(next);
    }

    public static ExclusionChange Exclude(SpendingLimits limits, DateTimeOffset until, DateTimeOffset now)
    {
        if (until < now + MinimumExclusion)
        {
            return new ExclusionChange.TooSoon(now + MinimumExclusion);
        }
        if (IsExcluded(limits, now) && until < limits.ExcludedUntil!.Value)
        {
            return new ExclusionChange.WouldShorten(limits.ExcludedUntil.Value);
        }
        return new ExclusionChange.Applied(limits with { ExcludedUntil = until });
    }

    public static bool IsExcluded(SpendingLimits limits, DateTimeOffset now) => limits.ExcludedUntil is { } until && now < until;

    /// <summary>The headroom of every capped window at <paramref name="now"/>, daily first.</summary>
    public static IReadOnlyList<Headroom> Headroom(SpendingLimits limits, SpendBook book, DateTimeOffset now, TimeZoneInfo zone)
    {
        var effective = EffectiveAt(limits, now);
        var today = SpendWindows.LocalDay(now, zone);
        var rooms = new List<Headroom>(3);
        foreach (var window in Enum.GetValues<CapWindow>())
        {
            if (effective.CapOf(window) is not { } cap)
            {
                continue;
            }
            var spent = book.SpentBetween(SpendWindows.FirstDay(window, today), today);
            rooms.Add(new Headroom(window, cap, spent, Math.Max(0, cap - spent), SpendWindows.End(window, now, zone)));
        }
        return rooms;
    }

    public static CapDecision Check(SpendingLimits limits, SpendBook book, long amount, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var blocking = Headroom(limits, book, now, zone)
            .Where(room => amount > room.Remaining)
            .MinBy(room => room.Remaining);
        return blocking is null
            ? new CapDecision.Allowed()
            : new CapDecision.Exceeded(blocking.Window, blocking.Cap, blocking.Remaining, blocking.ResetsAt);
    }

    public static string Name(CapWindow window) => window.ToString().ToLowerInvariant();

    /// <summary>Looser = a higher cap, or no cap where there was one.</summary>
    private static bool IsLooser(long? wanted, long? current) =>
        current is { } now && (wanted is null || wanted > now);
}
