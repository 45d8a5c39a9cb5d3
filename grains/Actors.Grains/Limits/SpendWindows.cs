namespace Actors.Grains.Limits;

/// <summary>
/// The daily, weekly (Monday start) and monthly windows on the customer's own calendar. A window begins at local
/// midnight; where a DST change makes midnight not exist the window begins at the first instant that does, and
/// where midnight happens twice it begins at the earlier one.
/// </summary>
public static class SpendWindows
{
    public static DateOnly LocalDay(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public static DateOnly FirstDay(CapWindow window, DateOnly today) => window switch
    {
        CapWindow.Daily => today,
        CapWindow.Weekly => today.AddDays(-(((int)today.DayOfWeek + 6) % 7)),
        CapWindow.Monthly => new DateOnly(today.Year, today.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    public static DateOnly NextFirstDay(CapWindow window, DateOnly today) => window switch
    {
        CapWindow.Daily => today.AddDays(1),
        CapWindow.Weekly => FirstDay(CapWindow.Weekly, today).AddDays(7),
        CapWindow.Monthly => FirstDay(CapWindow.Monthly, today).AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    /// <summary>The instant <paramref name="day"/> begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(midnight))
        {
            // Clocks jumped over midnight: the day begins the instant they jumped, i.e. midnight at the old offset.
            return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight.AddHours(-6)));
        }
        if (zone.IsAmbiguousTime(midnight))
        {
            // Midnight happened twice: the larger offset is the earlier instant.
            return new DateTimeOffset(midnight, zone.GetAmbiguousTimeOffsets(midnight).Max());
        }
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    public static DateTimeOffset Start(CapWindow window, DateTimeOffset now, TimeZoneInfo zone) =>
        StartOfDay(FirstDay(window, LocalDay(now, zone)), zone);

    /// <summary>When the window containing <paramref name="now"/> ends and the next one starts.</summary>
    public static DateTimeOffset End(CapWindow window, DateTimeOffset now, TimeZoneInfo zone) =>
        StartOfDay(NextFirstDay(window, LocalDay(now, zone)), zone);
}
