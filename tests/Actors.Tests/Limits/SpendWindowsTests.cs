using Actors.Grains.Limits;

namespace Actors.Tests.Limits;

public sealed class SpendWindowsTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    // In 2026 (tz database 2025b) Havana springs forward at midnight on 8 March (00:00 becomes 01:00) and falls back
    // from 01:00 to 00:00 on 1 November, so that midnight happens twice. The Azores do both on the EU dates.
    private static readonly TimeZoneInfo Havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
    private static readonly TimeZoneInfo Azores = TimeZoneInfo.FindSystemTimeZoneById("Atlantic/Azores");

    // Santiago also skips midnight (6 September), but falls back from 00:00 to 23:00 of the day before (5 April),
    // so the hour before midnight repeats and midnight itself happens once.
    private static readonly TimeZoneInfo Santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    private static DateTimeOffset Utc(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2026, 5, 4)]
    [InlineData(2026, 5, 6)]
    [InlineData(2026, 5, 10)]
    public void Weeks_start_on_Monday(int year, int month, int day)
    {
        Assert.Equal(Day(2026, 5, 4), SpendWindows.FirstDay(CapWindow.Weekly, Day(year, month, day)));
        Assert.Equal(Day(2026, 5, 11), SpendWindows.NextFirstDay(CapWindow.Weekly, Day(year, month, day)));
    }

    [Fact]
    public void A_day_window_is_just_today()
    {
        Assert.Equal(Day(2026, 1, 31), SpendWindows.FirstDay(CapWindow.Daily, Day(2026, 1, 31)));
        Assert.Equal(Day(2026, 2, 1), SpendWindows.NextFirstDay(CapWindow.Daily, Day(2026, 1, 31)));
    }

    [Fact]
    public void The_month_ends_on_its_last_day_whatever_its_length()
    {
        Assert.Equal(Day(2026, 1, 1), SpendWindows.FirstDay(CapWindow.Monthly, Day(2026, 1, 31)));
        Assert.Equal(Day(2026, 2, 1), SpendWindows.NextFirstDay(CapWindow.Monthly, Day(2026, 1, 31)));
        Assert.Equal(Day(2026, 3, 1), SpendWindows.NextFirstDay(CapWindow.Monthly, Day(2026, 2, 28)));
        Assert.Equal(Day(2026, 5, 1), SpendWindows.NextFirstDay(CapWindow.Monthly, Day(2026, 4, 30)));
    }

    [Fact]
    public void A_leap_day_belongs_to_February()
    {
        Assert.Equal(Day(2028, 2, 29), SpendWindows.NextFirstDay(CapWindow.Daily, Day(2028, 2, 28)));
        Assert.Equal(Day(2028, 2, 1), SpendWindows.FirstDay(CapWindow.Monthly, Day(2028, 2, 29)));
        Assert.Equal(Day(2028, 3, 1), SpendWindows.NextFirstDay(CapWindow.Monthly, Day(2028, 2, 29)));
        Assert.Equal(Day(2028, 2, 28), SpendWindows.FirstDay(CapWindow.Weekly, Day(2028, 2, 29)));
    }

    [Fact]
    public void Windows_roll_over_the_year_end_and_a_week_can_span_two_years()
    {
        Assert.Equal(Day(2027, 1, 1), SpendWindows.NextFirstDay(CapWindow.Daily, Day(2026, 12, 31)));
        Assert.Equal(Day(2027, 1, 1), SpendWindows.NextFirstDay(CapWindow.Monthly, Day(2026, 12, 31)));
        Assert.Equal(Day(2026, 12, 28), SpendWindows.FirstDay(CapWindow.Weekly, Day(2027, 1, 1)));
        Assert.Equal(Day(2027, 1, 4), SpendWindows.NextFirstDay(CapWindow.Weekly, Day(2026, 12, 31)));
    }

    [Fact]
    public void The_local_day_follows_the_customers_zone_not_UTC()
    {
        var lateEveningInNewYork = Utc(2026, 5, 5, 2);

        Assert.Equal(Day(2026, 5, 4), SpendWindows.LocalDay(lateEveningInNewYork, NewYork));
        Assert.Equal(Day(2026, 5, 5), SpendWindows.LocalDay(lateEveningInNewYork, London));
    }

    [Fact]
    public void Days_start_at_local_midnight_and_are_reported_in_local_time()
    {
        var start = SpendWindows.StartOfDay(Day(2026, 7, 1), NewYork);

        Assert.Equal(Utc(2026, 7, 1, 4), start);
        Assert.Equal(TimeSpan.FromHours(-4), start.Offset);
    }

    [Fact]
    public void London_spring_forward_day_has_23_hours()
    {
        var start = SpendWindows.StartOfDay(Day(2026, 3, 29), London);
        var end = SpendWindows.StartOfDay(Day(2026, 3, 30), London);

        Assert.Equal(Utc(2026, 3, 29, 0), start);
        Assert.Equal(Utc(2026, 3, 29, 23), end);
        Assert.Equal(end, SpendWindows.End(CapWindow.Daily, Utc(2026, 3, 29, 12), London));
    }

    [Fact]
    public void London_fall_back_day_has_25_hours()
    {
        var start = SpendWindows.StartOfDay(Day(2026, 10, 25), London);
        var end = SpendWindows.StartOfDay(Day(2026, 10, 26), London);

        Assert.Equal(Utc(2026, 10, 24, 23), start);
        Assert.Equal(Utc(2026, 10, 26, 0), end);
        Assert.Equal(TimeSpan.FromHours(25), end - start);
    }

    [Fact]
    public void New_York_days_around_its_clock_changes()
    {
        Assert.Equal(Utc(2026, 3, 8, 5), SpendWindows.StartOfDay(Day(2026, 3, 8), NewYork));
        Assert.Equal(Utc(2026, 3, 9, 4), SpendWindows.StartOfDay(Day(2026, 3, 9), NewYork));
        Assert.Equal(Utc(2026, 11, 1, 4), SpendWindows.StartOfDay(Day(2026, 11, 1), NewYork));
        Assert.Equal(Utc(2026, 11, 2, 5), SpendWindows.StartOfDay(Day(2026, 11, 2), NewYork));
    }

    [Fact]
    public void The_zones_chosen_really_change_their_clocks_at_midnight()
    {
        // Local readings a tick before and at each clock change.
        Assert.Equal((new DateTime(2026, 3, 7, 23, 59, 59).AddTicks(TimeSpan.TicksPerSecond - 1), new DateTime(2026, 3, 8, 1, 0, 0)), AroundChange(Havana, Utc(2026, 3, 8, 5)));
        Assert.Equal((new DateTime(2026, 11, 1, 0, 59, 59).AddTicks(TimeSpan.TicksPerSecond - 1), new DateTime(2026, 11, 1, 0, 0, 0)), AroundChange(Havana, Utc(2026, 11, 1, 5)));
        Assert.Equal(new DateTime(2026, 3, 29, 1, 0, 0), AroundChange(Azores, Utc(2026, 3, 29, 1)).After);
        Assert.Equal(new DateTime(2026, 10, 25, 0, 0, 0), AroundChange(Azores, Utc(2026, 10, 25, 1)).After);
        Assert.Equal(new DateTime(2026, 9, 6, 1, 0, 0), AroundChange(Santiago, Utc(2026, 9, 6, 4)).After);
        Assert.Equal(new DateTime(2026, 4, 4, 23, 0, 0), AroundChange(Santiago, Utc(2026, 4, 5, 3)).After);
    }

    private static (DateTime Before, DateTime After) AroundChange(TimeZoneInfo zone, DateTimeOffset change) =>
        (TimeZoneInfo.ConvertTime(change.AddTicks(-1), zone).DateTime, TimeZoneInfo.ConvertTime(change, zone).DateTime);

    [Fact]
    public void When_midnight_does_not_exist_the_day_starts_at_the_first_instant_that_does()
    {
        var havana = SpendWindows.StartOfDay(Day(2026, 3, 8), Havana);
        var azores = SpendWindows.StartOfDay(Day(2026, 3, 29), Azores);
        var santiago = SpendWindows.StartOfDay(Day(2026, 9, 6), Santiago);

        Assert.Equal(Utc(2026, 3, 8, 5), havana);
        Assert.Equal(new TimeOnly(1, 0), TimeOnly.FromDateTime(havana.DateTime));
        Assert.Equal(Utc(2026, 3, 29, 1), azores);
        Assert.Equal(Utc(2026, 9, 6, 4), santiago);
        // A tick earlier is still the day before.
        Assert.Equal(Day(2026, 3, 7), SpendWindows.LocalDay(havana.AddTicks(-1), Havana));
        Assert.Equal(Day(2026, 3, 8), SpendWindows.LocalDay(havana, Havana));
    }

    [Fact]
    public void When_midnight_happens_twice_the_day_starts_at_the_first()
    {
        var havana = SpendWindows.StartOfDay(Day(2026, 11, 1), Havana);
        var azores = SpendWindows.StartOfDay(Day(2026, 10, 25), Azores);

        Assert.Equal(Utc(2026, 11, 1, 4), havana);
        Assert.Equal(TimeSpan.FromHours(-4), havana.Offset);
        Assert.Equal(Utc(2026, 10, 25, 0), azores);
        Assert.Equal(Day(2026, 10, 24), SpendWindows.LocalDay(azores.AddTicks(-1), Azores));
        // The 25-hour day ends at the next midnight, which happens once.
        Assert.Equal(TimeSpan.FromHours(25), SpendWindows.StartOfDay(Day(2026, 10, 26), Azores) - azores);
    }

    [Fact]
    public void When_the_hour_before_midnight_repeats_the_day_starts_after_the_repeat()
    {
        var start = SpendWindows.StartOfDay(Day(2026, 4, 5), Santiago);

        Assert.Equal(Utc(2026, 4, 5, 4), start);
        Assert.Equal(Day(2026, 4, 4), SpendWindows.LocalDay(Utc(2026, 4, 5, 3), Santiago));
    }

    [Fact]
    public void Windows_start_and_end_at_local_midnights()
    {
        var now = new DateTimeOffset(2026, 3, 31, 22, 30, 0, TimeSpan.FromHours(1)); // Tuesday evening in London

        Assert.Equal(Utc(2026, 3, 30, 23), SpendWindows.Start(CapWindow.Daily, now, London));
        Assert.Equal(Utc(2026, 3, 31, 23), SpendWindows.End(CapWindow.Daily, now, London));
        Assert.Equal(Utc(2026, 3, 29, 23), SpendWindows.Start(CapWindow.Weekly, now, London));
        Assert.Equal(Utc(2026, 4, 5, 23), SpendWindows.End(CapWindow.Weekly, now, London));
        // March began in winter time and April begins in summer time.
        Assert.Equal(Utc(2026, 3, 1, 0), SpendWindows.Start(CapWindow.Monthly, now, London));
        Assert.Equal(Utc(2026, 3, 31, 23), SpendWindows.End(CapWindow.Monthly, now, London));
    }

    [Fact]
    public void A_gap_at_midnight_that_the_runtime_does_not_report_is_still_found()
    {
        // Asuncion sprang forward at midnight on 6 October 2024, yet TimeZoneInfo calls that midnight a valid time.
        var asuncion = TimeZoneInfo.FindSystemTimeZoneById("America/Asuncion");

        var start = SpendWindows.StartOfDay(Day(2024, 10, 6), asuncion);

        Assert.Equal(Utc(2024, 10, 6, 4), start);
        Assert.Equal(TimeSpan.FromHours(-3), start.Offset);
        Assert.Equal(Day(2024, 10, 5), SpendWindows.LocalDay(start.AddTicks(-1), asuncion));
    }

    [Theory]
    [InlineData("Pacific/Apia", 10)]
    [InlineData("Pacific/Fakaofo", 11)]
    public void A_skipped_day_starts_and_ends_at_the_same_instant(string zoneId, int utcHour)
    {
        // Samoa and Tokelau crossed the date line by going from 29 December 2011 straight to the 31st.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);

        Assert.Equal(Utc(2011, 12, 30, utcHour), SpendWindows.StartOfDay(Day(2011, 12, 30), zone));
        Assert.Equal(Utc(2011, 12, 30, utcHour), SpendWindows.StartOfDay(Day(2011, 12, 31), zone));
        Assert.Equal(Day(2011, 12, 29), SpendWindows.LocalDay(Utc(2011, 12, 30, utcHour).AddTicks(-1), zone));
    }

    [Fact]
    public void When_the_clock_turns_back_across_midnight_the_day_starts_at_the_first_midnight()
    {
        // Newfoundland fell back from 00:01 to 23:01 until 2011, so 29 October 2006 began, then 28 October returned for an hour.
        var stJohns = TimeZoneInfo.FindSystemTimeZoneById("America/St_Johns");

        var start = SpendWindows.StartOfDay(Day(2006, 10, 29), stJohns);

        Assert.Equal(new DateTimeOffset(2006, 10, 29, 2, 30, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromHours(-2.5), start.Offset);
    }
}
