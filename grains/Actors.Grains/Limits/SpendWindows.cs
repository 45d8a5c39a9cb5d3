namespace Actors.Grains.Limits;

/// <summary>The spending windows a cap applies to, each reset at local midnight in the customer's own time zone.</summary>
public enum CapWindow
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>
/// Calendar arithmetic for the spending windows: a window is a run of whole local calendar days (today; Monday to
/// Sunday; the calendar month), and it begins and ends at the instant local midnight begins its first day.
/// </summary>
public static class SpendWindows
{
    /// <summary>The windows in the order headroom is reported.</summary>
    public static IReadOnlyList<CapWindow> All { get; } = [CapWindow.Daily, CapWindow.Weekly, CapWindow.Monthly];

    // No zone has ever been a whole day from UTC, so a local reading occurs within a day of the same reading in UTC.
    private static readonly TimeSpan Bracket = TimeSpan.FromDays(1);

    // Offsets are sampled this far apart; no zone changes its offset twice within it (the closest two changes in the
    // tz database since 1900 are four days apart).
    private static readonly TimeSpan SampleSpacing = TimeSpan.FromHours(6);

    /// <summary>The customer's calendar day at <paramref name="instant"/>.</summary>
    public static DateOnly LocalDay(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The first day of the window that contains <paramref name="today"/>: today, this week's Monday (ISO weeks), or the 1st of the month.</summary>
    public static DateOnly FirstDay(CapWindow window, DateOnly today) => window switch
    {
        CapWindow.Daily => today,
        CapWindow.Weekly => today.AddDays(-DaysSinceMonday(today.DayOfWeek)),
        CapWindow.Monthly => new DateOnly(today.Year, today.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>The first day of the next window: tomorrow, next Monday, or the 1st of next month.</summary>
    public static DateOnly NextFirstDay(CapWindow window, DateOnly today) => window switch
    {
        CapWindow.Daily => today.AddDays(1),
        CapWindow.Weekly => FirstDay(CapWindow.Weekly, today).AddDays(7),
        CapWindow.Monthly => FirstDay(CapWindow.Monthly, today).AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>
    /// The instant <paramref name="day"/> begins in <paramref name="zone"/>, given in the zone's offset at that instant.
    /// Where a clock change skips midnight, the day begins at the first instant that exists after it; where midnight
    /// happens twice, at the earlier one. A day the zone skipped altogether begins, and ends, when the next day begins.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        // The day starts at the first instant whose local reading is midnight or later. Only UTC-to-local lookups are
        // used: TimeZoneInfo's local-to-UTC answers (IsInvalidTime, GetUtcOffset of a local time) miss some gaps, such
        // as Asuncion's on 6 October 2024 and the day Fakaofo skipped in 2011.
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        foreach (var (from, to, offset) in Stretches(zone, midnight - Bracket, midnight + Bracket))
        {
            // Within a stretch of one offset the local reading rises with time, so it reaches midnight here, if at all.
            var reached = midnight - offset > from ? midnight - offset : from;
            if (reached < to)
            {
                return TimeZoneInfo.ConvertTime(reached, zone);
            }
        }
        throw new InvalidOperationException($"{day} never begins in {zone.Id}.");
    }

    /// <summary>When the window containing <paramref name="now"/> began.</summary>
    public static DateTimeOffset Start(CapWindow window, DateTimeOffset now, TimeZoneInfo zone) =>
        StartOfDay(FirstDay(window, LocalDay(now, zone)), zone);

    /// <summary>When the window containing <paramref name="now"/> ends, which is when it resets and the next one begins.</summary>
    public static DateTimeOffset End(CapWindow window, DateTimeOffset now, TimeZoneInfo zone) =>
        StartOfDay(NextFirstDay(window, LocalDay(now, zone)), zone);

    private static int DaysSinceMonday(DayOfWeek day) => ((int)day + 6) % 7;

    // The stretches of constant UTC offset covering [from, to), in order, each clock change found by bisection.
    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To, TimeSpan Offset)> Stretches(
        TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var stretchStart = from;
        var offset = zone.GetUtcOffset(from);
        for (var sample = from + SampleSpacing; sample < to + SampleSpacing; sample += SampleSpacing)
        {
            var (before, after) = (sample - SampleSpacing, sample < to ? sample : to);
            if (zone.GetUtcOffset(after) == offset)
            {
                continue;
            }
            while (after.UtcTicks - before.UtcTicks > 1)
            {
                var middle = before.AddTicks((after.UtcTicks - before.UtcTicks) / 2);
                (before, after) = zone.GetUtcOffset(middle) == offset ? (middle, after) : (before, middle);
            }
            yield return (stretchStart, after, offset);
            (stretchStart, offset) = (after, zone.GetUtcOffset(after));
        }
        yield return (stretchStart, to, offset);
    }
}
