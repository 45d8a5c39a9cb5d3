using Actors.Grains.Money;

namespace Actors.Grains.Limits;

/// <summary>
/// The spending-control rules: lowering a cap is immediate, raising or removing one waits out a cooling-off,
/// self-exclusion cannot be lifted early, and a payment is allowed only when it fits under every cap.
/// Pure: no clock, no I/O; time is always a parameter.
/// </summary>
public static class SpendingPolicy
{
    public static readonly TimeSpan MinimumExclusion = TimeSpan.FromHours(24);

    /// <summary>The limits as they stand at <paramref name="now"/>: every pending change due by then applied (a null amount removes the cap) and no longer pending.</summary>
    public static SpendingLimits EffectiveAt(SpendingLimits limits, DateTimeOffset now)
    {
        var effective = limits;
        foreach (var change in limits.Pending)
        {
            if (change.EffectiveAt <= now)
            {
                effective = effective.WithCap(change.Window, change.Amount) with { Pending = effective.Pending.Remove(change) };
            }
        }
        return effective;
    }

    /// <summary>
    /// Applies a full statement of the caps wanted, window by window, to the limits as they stand at <paramref name="now"/>.
    /// A stricter cap (lower, or a cap where there was none) takes effect at once; a looser one (higher, or none where
    /// there was one) waits until <paramref name="now"/> + <paramref name="coolingOff"/>, starting a fresh cooling-off
    /// unless exactly that change is already pending. Asking for the cap in force keeps it. Either of the last two
    /// cancels whatever other change was pending for the window.
    /// </summary>
    public static LimitsChange Change(SpendingLimits limits, CapRequest desired, DateTimeOffset now, TimeSpan coolingOff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coolingOff, TimeSpan.Zero);
        var errors = new Dictionary<string, string[]>();
        foreach (var window in SpendWindows.All)
        {
            if (desired.CapOf(window) is { } amount && Problem(amount) is { } problem)
            {
                errors[FieldName(window)] = [problem];
            }
        }
        if (errors.Count > 0)
        {
            return new LimitsChange.Invalid(errors);
        }

        var current = EffectiveAt(limits, now);
        var next = current with { Pending = [] };
        foreach (var window in SpendWindows.All)
        {
            var cap = current.CapOf(window);
            var wanted = desired.CapOf(window);
            if (wanted == cap)
            {
                continue;
            }
            if (wanted < cap || cap is null)
            {
                next = next.WithCap(window, wanted);
                continue;
            }
            var pending = current.Pending.Find(change => change.Window == window);
            next = next with
            {
                // Restating a change already cooling off keeps its time: a statement that changes another window, or
                // the same request sent twice, must not restart it.
                Pending = next.Pending.Add(pending is not null && pending.Amount == wanted
                    ? pending
                    : new PendingCap(window, wanted, now, now + coolingOff)),
            };
        }
        return new LimitsChange.Applied(next);
    }

    /// <summary>
    /// Excludes the customer from every checkout until <paramref name="until"/>, at least <see cref="MinimumExclusion"/>
    /// from <paramref name="now"/>. An exclusion in force can be extended but never shortened or lifted.
    /// </summary>
    public static ExclusionChange Exclude(SpendingLimits limits, DateTimeOffset until, DateTimeOffset now)
    {
        if (IsExcluded(limits, now) && limits.ExcludedUntil is { } current)
        {
            if (until == current)
            {
                return new ExclusionChange.Applied(limits);
            }
            if (until < current)
            {
                return new ExclusionChange.WouldShorten(current);
            }
        }
        var earliest = now + MinimumExclusion;
        return until < earliest
            ? new ExclusionChange.TooSoon(earliest)
            : new ExclusionChange.Applied(limits with { ExcludedUntil = until });
    }

    /// <summary>Whether a self-exclusion is in force at <paramref name="now"/>.</summary>
    public static bool IsExcluded(SpendingLimits limits, DateTimeOffset now) => now < limits.ExcludedUntil;

    /// <summary>
    /// The headroom in each window with a cap at <paramref name="now"/>, in window order. Spent counts settled spend and
    /// reservations from the window's first local day on (a day after today, which only a change of time zone can
    /// leave behind, counts too: better early than never).
    /// </summary>
    /// <exception cref="OverflowException">A window's spend would not fit in a <see cref="long"/>.</exception>
    public static IReadOnlyList<Headroom> Headroom(SpendingLimits limits, SpendBook book, DateTimeOffset now, TimeZoneInfo zone)
    {
        var effective = EffectiveAt(limits, now);
        var today = SpendWindows.LocalDay(now, zone);
        var headroom = new List<Headroom>(SpendWindows.All.Count);
        foreach (var window in SpendWindows.All)
        {
            if (effective.CapOf(window) is not { } cap)
            {
                continue;
            }
            var spent = book.SpentSince(SpendWindows.FirstDay(window, today));
            var remaining = Math.Max(0, checked(cap - spent));
            var resetsAt = SpendWindows.StartOfDay(SpendWindows.NextFirstDay(window, today), zone);
            headroom.Add(new Headroom(window, cap, spent, remaining, resetsAt));
        }
        return headroom;
    }

    /// <summary>
    /// Allowed when <paramref name="amount"/> fits in every window's remaining headroom (using all of it is allowed).
    /// Otherwise the blocking window is the exceeded one with the least remaining; on a tie, the longer window, since
    /// the customer has to wait for it to reset anyway.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is zero or negative.</exception>
    public static CapDecision Check(SpendingLimits limits, SpendBook book, long amount, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        Headroom? blocking = null;
        foreach (var window in Headroom(limits, book, now, zone))
        {
            if (amount > window.Remaining && (blocking is null || window.Remaining <= blocking.Remaining))
            {
                blocking = window;
            }
        }
        return blocking is null
            ? new CapDecision.Allowed()
            : new CapDecision.Exceeded(blocking.Window, blocking.Cap, blocking.Remaining, blocking.ResetsAt);
    }

    private static string? Problem(long amount) =>
        amount <= 0 ? "must be greater than 0"
        : amount > Amounts.Max ? $"must be at most {Amounts.Max}"
        : null;

    private static string FieldName(CapWindow window) => window switch
    {
        CapWindow.Daily => "daily",
        CapWindow.Weekly => "weekly",
        CapWindow.Monthly => "monthly",
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };
}
