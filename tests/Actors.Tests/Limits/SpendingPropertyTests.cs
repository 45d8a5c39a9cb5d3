using Actors.Grains.Limits;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Limits;

public sealed class SpendingPropertyTests
{
    // Zones with clock changes at 01:00 UTC, at 02:00 local, at local midnight, by half an hour, and none at all.
    private static readonly TimeZoneInfo[] Zones = FindZones(
        "Europe/London", "America/New_York", "America/Havana", "Atlantic/Azores", "America/Santiago",
        "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "UTC");

    // Zones whose clocks did stranger things: turned back across midnight (Newfoundland and Labrador until 2011),
    // skipped a whole day (Samoa, Tokelau, Kiribati), or sprang forward at a midnight TimeZoneInfo calls valid (Paraguay).
    private static readonly TimeZoneInfo[] OddZones = FindZones(
        "America/St_Johns", "America/Goose_Bay", "Pacific/Apia", "Pacific/Fakaofo", "Pacific/Kiritimati", "America/Asuncion");

    private static TimeZoneInfo[] FindZones(params string[] ids) => [.. ids.Select(TimeZoneInfo.FindSystemTimeZoneById)];

    private static readonly Gen<DateTimeOffset> GenInstant =
        Gen.Long[new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks, new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks]
            .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private static readonly Gen<(TimeZoneInfo Zone, DateTimeOffset Instant)> GenZonedInstant = ZonedInstants(Zones);

    // Midnights and clock changes are where window arithmetic goes wrong, so half the instants land within two days of one.
    private static Gen<(TimeZoneInfo Zone, DateTimeOffset Instant)> ZonedInstants(TimeZoneInfo[] zones) =>
        Gen.OneOf(zones).SelectMany(zone =>
            ClockChanges(zone) is { Count: > 0 } changes
                ? Gen.Frequency(
                    (1, GenInstant),
                    (1, Gen.Select(Gen.Int[0, changes.Count - 1], Gen.Long[-TimeSpan.TicksPerDay * 2, TimeSpan.TicksPerDay * 2],
                        (index, ticks) => changes[index].AddTicks(ticks))))
                    .Select(instant => (zone, instant))
                : GenInstant.Select(instant => (zone, instant)));

    private static readonly Dictionary<string, List<DateTimeOffset>> ClockChangesByZone = new();

    // The instants a zone's UTC offset changed between 1970 and 2040, found by stepping a day at a time and bisecting.
    private static List<DateTimeOffset> ClockChanges(TimeZoneInfo zone)
    {
        lock (ClockChangesByZone)
        {
            if (ClockChangesByZone.TryGetValue(zone.Id, out var known))
            {
                return known;
            }
            var changes = new List<DateTimeOffset>();
            for (var day = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero); day.Year < 2040; day = day.AddDays(1))
            {
                var (before, after) = (day, day.AddDays(1));
                if (zone.GetUtcOffset(before) == zone.GetUtcOffset(after))
                {
                    continue;
                }
                while (after - before > TimeSpan.FromTicks(1))
                {
                    var middle = before.AddTicks((after - before).Ticks / 2);
                    (before, after) = zone.GetUtcOffset(middle) == zone.GetUtcOffset(before) ? (middle, after) : (before, middle);
                }
                changes.Add(after);
            }
            return ClockChangesByZone[zone.Id] = changes;
        }
    }

    private static readonly Gen<long?> GenCap = Gen.Long[1, 50_000].Nullable(0.3);

    private static readonly Gen<CapRequest> GenRequest = Gen.Select(GenCap, GenCap, GenCap, (daily, weekly, monthly) => new CapRequest(daily, weekly, monthly));

    private static readonly Gen<TimeSpan> GenCoolingOff = Gen.Int[1, 96 * 60].Select(minutes => TimeSpan.FromMinutes(minutes));

    private enum Action { Attempt, AttemptAtTheEdge, Settle, Release, Prune }

    private sealed record Step(TimeSpan Wait, Action Action, long Amount, int Pick);

    // Up to a day and a half between steps, so a sequence of a hundred steps spans several weeks and month ends.
    private static readonly Gen<Step> GenStep = Gen.Select(
        Gen.Int[0, 36 * 60].Select(minutes => TimeSpan.FromMinutes(minutes)),
        Gen.Frequency((4, Action.Attempt), (2, Action.AttemptAtTheEdge), (2, Action.Settle), (2, Action.Release), (1, Action.Prune)),
        Gen.Long[1, 20_000],
        Gen.Int[0, 1_000],
        (wait, action, amount, pick) => new Step(wait, action, amount, pick));

    [Fact]
    public void A_payment_the_check_allows_never_takes_any_window_over_its_cap() =>
        Gen.Select(GenZonedInstant, GenRequest, GenRequest, GenCoolingOff, GenStep.Array[1, 150]).Sample(
            (zonedStart, caps, raise, coolingOff, steps) =>
            {
                var (zone, start) = zonedStart;
                // Start from some caps, then ask for new ones: lowerings apply at once, raises arrive mid-sequence.
                var initial = Applied(SpendingPolicy.Change(SpendingLimits.None, caps, start, coolingOff));
                var limits = Applied(SpendingPolicy.Change(initial, raise, start, coolingOff));
                var book = SpendBook.Empty;
                var reserved = new Dictionary<string, (DateOnly Day, long Amount)>();
                var open = new List<string>();
                var now = start;
                for (var i = 0; i < steps.Length; i++)
                {
                    var step = steps[i];
                    now += step.Wait;
                    switch (step.Action)
                    {
                        case Action.Attempt or Action.AttemptAtTheEdge:
                            var headroom = SpendingPolicy.Headroom(limits, book, now, zone);
                            // At the edge: one less than, exactly, or one more than the least headroom left.
                            var amount = step.Action == Action.AttemptAtTheEdge && headroom.Count > 0
                                ? Math.Max(1, headroom.Min(window => window.Remaining) + step.Pick % 3 - 1)
                                : step.Amount;
                            var decision = SpendingPolicy.Check(limits, book, amount, now, zone);
                            Assert.Equal(headroom.All(window => amount <= window.Remaining), decision is CapDecision.Allowed);
                            if (decision is CapDecision.Exceeded exceeded)
                            {
                                Assert.Equal(headroom.Min(window => window.Remaining), exceeded.Remaining);
                                Assert.Equal(SpendWindows.End(exceeded.Window, now, zone), exceeded.ResetsAt);
                            }
                            else
                            {
                                var id = $"pay_{i}";
                                book = book.Reserve(id, amount, now, zone);
                                reserved[id] = (SpendWindows.LocalDay(now, zone), amount);
                                open.Add(id);
                            }
                            break;
                        case Action.Settle when open.Count > 0:
                            book = book.Settle(TakeOne(open, step.Pick));
                            break;
                        case Action.Release when open.Count > 0:
                            var released = TakeOne(open, step.Pick);
                            book = book.Release(released);
                            reserved.Remove(released);
                            break;
                        case Action.Prune:
                            book = book.Prune(now, zone);
                            break;
                    }

                    var today = SpendWindows.LocalDay(now, zone);
                    foreach (var window in SpendingPolicy.Headroom(limits, book, now, zone))
                    {
                        var firstDay = SpendWindows.FirstDay(window.Window, today);
                        Assert.Equal(reserved.Values.Where(entry => entry.Day >= firstDay).Sum(entry => entry.Amount), window.Spent);
                        Assert.True(window.Spent <= window.Cap, $"{window} at {now} in {zone.Id}");
                        Assert.Equal(window.Cap - window.Spent, window.Remaining);
                    }
                }
            }, iter: 300, threads: 1);

    [Fact]
    public void Remaining_is_never_negative_even_when_caps_are_lowered_below_the_spend() =>
        Gen.Select(GenZonedInstant, GenRequest.Array[1, 8], Gen.Long[1, 30_000].Array[1, 20], Gen.Int[0, 240].Array[20]).Sample(
            (zonedStart, requests, amounts, hoursApart) =>
            {
                var (zone, start) = zonedStart;
                var limits = SpendingLimits.None;
                var book = SpendBook.Empty;
                var now = start;
                for (var i = 0; i < amounts.Length; i++)
                {
                    now = now.AddHours(hoursApart[i]);
                    limits = Applied(SpendingPolicy.Change(limits, requests[i % requests.Length], now, TimeSpan.FromHours(24)));
                    book = book.Reserve($"pay_{i}", amounts[i], now, zone).Settle($"pay_{i}");
                    foreach (var window in SpendingPolicy.Headroom(limits, book, now, zone))
                    {
                        Assert.True(window.Remaining >= 0);
                        Assert.Equal(Math.Max(0, window.Cap - window.Spent), window.Remaining);
                    }
                }
            }, iter: 300, threads: 1);

    [Fact]
    public void Pruning_never_changes_what_a_window_sees_now_or_later() =>
        Gen.Select(GenZonedInstant, Gen.Int[0, 24 * 90].Array[1, 60], Gen.Int[0, 24 * 40].Array[3]).Sample(
            (zonedStart, hoursAgo, hoursLater) =>
            {
                var (zone, start) = zonedStart;
                var book = SpendBook.Empty;
                for (var i = 0; i < hoursAgo.Length; i++)
                {
                    book = book.Reserve($"pay_{i}", 100 + i, start.AddHours(-hoursAgo[i]), zone);
                    book = i % 3 == 0 ? book : book.Settle($"pay_{i}");
                }
                var everyCap = SpendingLimits.None with { Daily = long.MaxValue, Weekly = long.MaxValue, Monthly = long.MaxValue };

                var pruned = book.Prune(start, zone);

                Assert.Equal(book.Reservations.Count, pruned.Reservations.Count);
                foreach (var later in hoursLater.Prepend(0).Select(hours => start.AddHours(hours)))
                {
                    Assert.Equal(SpendingPolicy.Headroom(everyCap, book, later, zone), SpendingPolicy.Headroom(everyCap, pruned, later, zone));
                }
                Assert.True(pruned.SettledByDay.Count <= 31 + 6);
            }, iter: 300, threads: 1);

    [Fact]
    public void Every_instant_lies_inside_its_windows_and_one_window_ends_where_the_next_starts() =>
        GenZonedInstant.Sample(zonedNow =>
        {
            var (zone, now) = zonedNow;
            var today = SpendWindows.LocalDay(now, zone);
            foreach (var window in SpendWindows.All)
            {
                var start = SpendWindows.Start(window, now, zone);
                var end = SpendWindows.End(window, now, zone);
                Assert.True(start <= now && now < end, $"{window} {start:O} <= {now:O} < {end:O} in {zone.Id}");
                Assert.Equal(SpendWindows.FirstDay(window, today), SpendWindows.LocalDay(start, zone));
                Assert.Equal(SpendWindows.NextFirstDay(window, today), SpendWindows.LocalDay(end, zone));

                var lastInstant = end.AddTicks(-1);
                Assert.Equal(end, SpendWindows.End(window, lastInstant, zone));
                Assert.Equal(end, SpendWindows.Start(window, end, zone));
            }
        }, iter: 10_000, threads: 1);

    [Fact]
    public void A_stricter_or_equal_request_never_waits_and_a_looser_one_waits_out_the_whole_cooling_off() =>
        Gen.Select(GenRequest, GenRequest, GenRequest, GenCoolingOff, Gen.Int[0, 96 * 60], Gen.Int[1, 24 * 60].Array[1, 12]).Sample(
            (caps, earlier, desired, coolingOff, minutesSinceEarlier, waits) =>
            {
                var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.Zero));
                var limits = Applied(SpendingPolicy.Change(SpendingLimits.None, caps, clock.GetUtcNow(), coolingOff));
                limits = Applied(SpendingPolicy.Change(limits, earlier, clock.GetUtcNow(), coolingOff));
                clock.Advance(TimeSpan.FromMinutes(minutesSinceEarlier));

                var now = clock.GetUtcNow();
                var before = SpendingPolicy.EffectiveAt(limits, now);
                var after = Applied(SpendingPolicy.Change(limits, desired, now, coolingOff));

                var due = new Dictionary<CapWindow, DateTimeOffset>();
                foreach (var window in SpendWindows.All)
                {
                    var current = before.CapOf(window);
                    var wanted = desired.CapOf(window);
                    var pending = after.Pending.Where(change => change.Window == window).ToList();
                    if (wanted == current || wanted < current || current is null)
                    {
                        Assert.Empty(pending);
                        Assert.Equal(wanted, after.CapOf(window));
                        continue;
                    }

                    var change = Assert.Single(pending);
                    var stillCooling = before.Pending.SingleOrDefault(old => old.Window == window && old.Amount == wanted);
                    Assert.Equal(stillCooling ?? new PendingCap(window, wanted, now, now + coolingOff), change);
                    Assert.Equal(change.RequestedAt + coolingOff, change.EffectiveAt);
                    Assert.Equal(current, after.CapOf(window));
                    due[window] = change.EffectiveAt;
                }

                // Walk the clock past every due time, stopping a tick before and exactly at each.
                var stops = waits.Select(minutes => TimeSpan.FromMinutes(minutes))
                    .Concat(due.Values.SelectMany(at => new[] { at.AddTicks(-1) - now, at - now }))
                    .Where(offset => offset > TimeSpan.Zero)
                    .Order();
                foreach (var offset in stops)
                {
                    clock.SetUtcNow(now + offset);
                    var effective = SpendingPolicy.EffectiveAt(after, clock.GetUtcNow());
                    foreach (var (window, at) in due)
                    {
                        var expected = clock.GetUtcNow() < at ? before.CapOf(window) : desired.CapOf(window);
                        Assert.Equal(expected, effective.CapOf(window));
                    }
                }
            }, iter: 1_000, threads: 1);

    [Fact]
    public void A_day_starts_at_the_first_instant_the_local_clock_reads_its_midnight_or_later() =>
        ZonedInstants([.. Zones, .. OddZones]).Select(Gen.Int[-1, 1]).Sample((zonedInstant, dayShift) =>
        {
            var (zone, instant) = zonedInstant;
            var day = SpendWindows.LocalDay(instant, zone).AddDays(dayShift);

            Assert.Equal(FirstReadingAtOrAfterMidnight(day, zone), SpendWindows.StartOfDay(day, zone));
        }, iter: 1_000, threads: 1);

    // Reads the local clock a minute at a time from well before the day, then backs up a second at a time.
    private static DateTimeOffset FirstReadingAtOrAfterMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        DateTime Reading(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var instant = new DateTimeOffset(midnight, TimeSpan.Zero).AddHours(-15);
        while (Reading(instant) < midnight)
        {
            instant = instant.AddMinutes(1);
        }
        while (Reading(instant.AddSeconds(-1)) >= midnight)
        {
            instant = instant.AddSeconds(-1);
        }
        return instant;
    }

    private static SpendingLimits Applied(LimitsChange change) => Assert.IsType<LimitsChange.Applied>(change).Limits;

    private static string TakeOne(List<string> open, int pick)
    {
        var index = pick % open.Count;
        var id = open[index];
        open.RemoveAt(index);
        return id;
    }
}
