using System.Collections.Immutable;
using Actors.Grains.Limits;
using Actors.Grains.Money;

namespace Actors.Tests.Limits;

public sealed class SpendingPolicyTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeSpan CoolingOff = TimeSpan.FromHours(24);

    // Wednesday 6 May 2026, 13:00 in London; the week began on Monday 4 May.
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 12, 0, 0, TimeSpan.Zero);

    private static SpendingLimits Caps(long? daily, long? weekly, long? monthly) =>
        SpendingLimits.None with { Daily = daily, Weekly = weekly, Monthly = monthly };

    private static SpendingLimits Applied(LimitsChange change) => Assert.IsType<LimitsChange.Applied>(change).Limits;

    private static SpendingLimits Change(SpendingLimits limits, CapRequest desired, DateTimeOffset now) =>
        Applied(SpendingPolicy.Change(limits, desired, now, CoolingOff));

    [Fact]
    public void Lowering_a_cap_takes_effect_at_once_and_cancels_a_pending_raise()
    {
        var raising = Change(Caps(1_000, null, null), new CapRequest(5_000, null, null), Now);

        var lowered = Change(raising, new CapRequest(400, null, null), Now.AddHours(1));

        Assert.Equal(400, lowered.Daily);
        Assert.Empty(lowered.Pending);
    }

    [Fact]
    public void Adding_a_cap_where_there_was_none_takes_effect_at_once()
    {
        var limits = Change(SpendingLimits.None, new CapRequest(null, 20_000, null), Now);

        Assert.Equal(Caps(null, 20_000, null), limits);
    }

    [Fact]
    public void Raising_a_cap_takes_effect_only_after_cooling_off()
    {
        var limits = Change(Caps(1_000, 5_000, null), new CapRequest(1_000, 9_000, null), Now);

        Assert.Equal(5_000, limits.Weekly);
        Assert.Equal([new PendingCap(CapWindow.Weekly, 9_000, Now, Now + CoolingOff)], limits.Pending);
    }

    [Fact]
    public void Removing_a_cap_waits_out_the_cooling_off_too()
    {
        var limits = Change(Caps(1_000, null, 30_000), new CapRequest(1_000, null, null), Now);

        Assert.Equal(30_000, limits.Monthly);
        Assert.Equal([new PendingCap(CapWindow.Monthly, null, Now, Now + CoolingOff)], limits.Pending);
        Assert.Null(SpendingPolicy.EffectiveAt(limits, Now + CoolingOff).Monthly);
    }

    [Fact]
    public void A_pending_change_applies_exactly_at_its_effective_time_not_a_tick_before()
    {
        var limits = Change(Caps(1_000, null, null), new CapRequest(2_000, null, null), Now);
        var due = Now + CoolingOff;

        var justBefore = SpendingPolicy.EffectiveAt(limits, due.AddTicks(-1));
        var atTheTime = SpendingPolicy.EffectiveAt(limits, due);

        Assert.Equal(1_000, justBefore.Daily);
        Assert.Single(justBefore.Pending);
        Assert.Equal(Caps(2_000, null, null), atTheTime);
    }

    [Fact]
    public void The_effective_time_does_not_depend_on_the_offset_it_is_written_in()
    {
        var limits = Change(Caps(1_000, null, null), new CapRequest(2_000, null, null), Now);
        var dueInTokyo = (Now + CoolingOff).ToOffset(TimeSpan.FromHours(9));

        Assert.Equal(2_000, SpendingPolicy.EffectiveAt(limits, dueInTokyo).Daily);
    }

    [Fact]
    public void A_second_raise_restarts_the_cooling_off()
    {
        var first = Change(Caps(1_000, null, null), new CapRequest(2_000, null, null), Now);
        var later = Now.AddHours(20);

        var second = Change(first, new CapRequest(3_000, null, null), later);

        Assert.Equal([new PendingCap(CapWindow.Daily, 3_000, later, later + CoolingOff)], second.Pending);
        Assert.Equal(1_000, SpendingPolicy.EffectiveAt(second, Now + CoolingOff).Daily);
    }

    [Fact]
    public void Restating_a_pending_raise_keeps_its_time()
    {
        var first = Change(Caps(1_000, 5_000, null), new CapRequest(1_000, 8_000, null), Now);

        var again = Change(first, new CapRequest(1_000, 8_000, null), Now.AddHours(20));

        Assert.Equal(first, again);
    }

    [Fact]
    public void Asking_for_the_current_cap_cancels_a_pending_change()
    {
        var raising = Change(Caps(1_000, null, 30_000), new CapRequest(2_000, null, null), Now);

        var kept = Change(raising, new CapRequest(1_000, null, 30_000), Now.AddHours(1));

        Assert.Equal(Caps(1_000, null, 30_000), kept);
    }

    [Fact]
    public void A_change_starts_from_the_limits_as_they_stand_now()
    {
        var raising = Change(Caps(1_000, null, null), new CapRequest(2_000, null, null), Now);

        // Once the raise is through, asking for 1 500 is a lowering: immediate.
        var lowered = Change(raising, new CapRequest(1_500, null, null), Now + CoolingOff);

        Assert.Equal(Caps(1_500, null, null), lowered);
    }

    [Fact]
    public void Each_window_is_decided_on_its_own()
    {
        var limits = Change(Caps(1_000, 5_000, 20_000), new CapRequest(500, 6_000, null), Now);

        Assert.Equal(500, limits.Daily);
        Assert.Equal(5_000, limits.Weekly);
        Assert.Equal(20_000, limits.Monthly);
        Assert.Equal([CapWindow.Weekly, CapWindow.Monthly], limits.Pending.Select(change => change.Window));
    }

    [Fact]
    public void Changing_caps_leaves_a_self_exclusion_alone()
    {
        var excluded = SpendingLimits.None with { ExcludedUntil = Now.AddDays(7) };

        Assert.Equal(Now.AddDays(7), Change(excluded, new CapRequest(100, null, null), Now).ExcludedUntil);
    }

    [Theory]
    [InlineData(0L, "must be greater than 0")]
    [InlineData(-1L, "must be greater than 0")]
    [InlineData(Amounts.Max + 1, "must be at most 1000000000000000")]
    [InlineData(long.MaxValue, "must be at most 1000000000000000")]
    public void Invalid_amounts_are_refused_with_the_field_named(long amount, string message)
    {
        var limits = Caps(1_000, null, null);

        var daily = SpendingPolicy.Change(limits, new CapRequest(amount, null, null), Now, CoolingOff);
        var monthly = SpendingPolicy.Change(limits, new CapRequest(1_000, null, amount), Now, CoolingOff);

        Assert.Equal([message], Assert.IsType<LimitsChange.Invalid>(daily).Errors["daily"]);
        Assert.Equal(["monthly"], Assert.IsType<LimitsChange.Invalid>(monthly).Errors.Keys);
    }

    [Fact]
    public void Every_invalid_window_is_reported_at_once()
    {
        var change = SpendingPolicy.Change(SpendingLimits.None, new CapRequest(0, -5, Amounts.Max + 1), Now, CoolingOff);

        Assert.Equal(["daily", "monthly", "weekly"], Assert.IsType<LimitsChange.Invalid>(change).Errors.Keys.Order());
    }

    [Fact]
    public void The_largest_amount_is_a_valid_cap() =>
        Assert.Equal(Amounts.Max, Change(SpendingLimits.None, new CapRequest(Amounts.Max, null, null), Now).Daily);

    [Fact]
    public void A_negative_cooling_off_is_a_bug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SpendingPolicy.Change(SpendingLimits.None, new CapRequest(1, null, null), Now, TimeSpan.FromTicks(-1)));

    [Fact]
    public void Self_exclusion_shorter_than_24_hours_is_too_soon()
    {
        var change = SpendingPolicy.Exclude(SpendingLimits.None, Now.AddHours(23), Now);

        Assert.Equal(new ExclusionChange.TooSoon(Now + SpendingPolicy.MinimumExclusion), change);
    }

    [Fact]
    public void Self_exclusion_of_exactly_24_hours_blocks_until_it_ends()
    {
        var limits = Assert.IsType<ExclusionChange.Applied>(SpendingPolicy.Exclude(SpendingLimits.None, Now.AddHours(24), Now)).Limits;

        Assert.True(SpendingPolicy.IsExcluded(limits, Now));
        Assert.True(SpendingPolicy.IsExcluded(limits, Now.AddHours(24).AddTicks(-1)));
        Assert.False(SpendingPolicy.IsExcluded(limits, Now.AddHours(24)));
        Assert.False(SpendingPolicy.IsExcluded(SpendingLimits.None, Now));
    }

    [Fact]
    public void An_active_exclusion_can_be_extended()
    {
        var excluded = SpendingLimits.None with { ExcludedUntil = Now.AddDays(7) };

        var extended = SpendingPolicy.Exclude(excluded, Now.AddDays(30), Now.AddDays(1));

        Assert.Equal(Now.AddDays(30), Assert.IsType<ExclusionChange.Applied>(extended).Limits.ExcludedUntil);
    }

    [Fact]
    public void An_active_exclusion_cannot_be_shortened()
    {
        var excluded = SpendingLimits.None with { ExcludedUntil = Now.AddDays(7) };

        Assert.Equal(new ExclusionChange.WouldShorten(Now.AddDays(7)), SpendingPolicy.Exclude(excluded, Now.AddDays(6), Now.AddDays(1)));
        Assert.Equal(new ExclusionChange.WouldShorten(Now.AddDays(7)), SpendingPolicy.Exclude(excluded, Now.AddDays(1), Now.AddDays(1)));
    }

    [Fact]
    public void Restating_an_active_exclusion_changes_nothing_even_near_its_end()
    {
        var excluded = SpendingLimits.None with { ExcludedUntil = Now.AddDays(7) };

        Assert.Equal(new ExclusionChange.Applied(excluded), SpendingPolicy.Exclude(excluded, Now.AddDays(7), Now.AddDays(6.5)));
    }

    [Fact]
    public void Once_an_exclusion_has_expired_a_new_one_can_be_set()
    {
        var expired = SpendingLimits.None with { ExcludedUntil = Now.AddDays(7) };
        var later = Now.AddDays(8);

        var renewed = SpendingPolicy.Exclude(expired, later.AddDays(2), later);

        Assert.Equal(later.AddDays(2), Assert.IsType<ExclusionChange.Applied>(renewed).Limits.ExcludedUntil);
        Assert.IsType<ExclusionChange.TooSoon>(SpendingPolicy.Exclude(expired, later.AddHours(1), later));
    }

    [Fact]
    public void Headroom_lists_each_capped_window_in_order_with_its_reset()
    {
        var book = SpendBook.Empty
            .Reserve("pay_mon", 3_000, new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero), London).Settle("pay_mon")
            .Reserve("pay_now", 500, Now, London);

        var headroom = SpendingPolicy.Headroom(Caps(1_000, null, 10_000), book, Now, London);

        Assert.Equal(
        [
            new Headroom(CapWindow.Daily, 1_000, 500, 500, new DateTimeOffset(2026, 5, 6, 23, 0, 0, TimeSpan.Zero)),
            new Headroom(CapWindow.Monthly, 10_000, 3_500, 6_500, new DateTimeOffset(2026, 5, 31, 23, 0, 0, TimeSpan.Zero)),
        ], headroom);
    }

    [Fact]
    public void No_caps_means_no_headroom_to_report_and_everything_is_allowed()
    {
        Assert.Empty(SpendingPolicy.Headroom(SpendingLimits.None, SpendBook.Empty, Now, London));
        Assert.Equal(new CapDecision.Allowed(), SpendingPolicy.Check(SpendingLimits.None, SpendBook.Empty, Amounts.Max, Now, London));
    }

    [Fact]
    public void Spend_from_an_earlier_week_or_month_no_longer_counts()
    {
        var lastSunday = new DateTimeOffset(2026, 5, 3, 12, 0, 0, TimeSpan.Zero);
        var lastMonth = new DateTimeOffset(2026, 4, 30, 12, 0, 0, TimeSpan.Zero);
        var book = SpendBook.Empty
            .Reserve("pay_sunday", 700, lastSunday, London).Settle("pay_sunday")
            .Reserve("pay_april", 900, lastMonth, London).Settle("pay_april");

        var headroom = SpendingPolicy.Headroom(Caps(1_000, 1_000, 1_000), book, Now, London);

        Assert.Equal([0L, 0L, 700L], headroom.Select(window => window.Spent));
    }

    [Fact]
    public void Spend_on_a_day_after_today_still_counts()
    {
        // Reserved in Tokyo on Thursday; the customer then moves to London, where it is still Wednesday.
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var book = SpendBook.Empty.Reserve("pay_1", 600, Now.AddHours(10), tokyo);
        Assert.Equal(new DateOnly(2026, 5, 7), book.Reservations["pay_1"].Day);
        Assert.Equal(new DateOnly(2026, 5, 6), SpendWindows.LocalDay(Now.AddHours(10), London));

        var decision = SpendingPolicy.Check(Caps(1_000, null, null), book, 500, Now.AddHours(10), London);

        Assert.Equal(400, Assert.IsType<CapDecision.Exceeded>(decision).Remaining);
    }

    [Fact]
    public void Remaining_is_zero_not_negative_after_a_cap_is_lowered_below_the_spend()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 800, Now, London).Settle("pay_1");
        var lowered = Change(Caps(1_000, null, null), new CapRequest(300, null, null), Now);

        var daily = Assert.Single(SpendingPolicy.Headroom(lowered, book, Now, London));

        Assert.Equal((300L, 800L, 0L), (daily.Cap, daily.Spent, daily.Remaining));
    }

    [Fact]
    public void A_pending_raise_adds_no_headroom_until_it_is_effective()
    {
        var raising = Change(Caps(1_000, null, null), new CapRequest(5_000, null, null), Now);

        Assert.IsType<CapDecision.Exceeded>(SpendingPolicy.Check(raising, SpendBook.Empty, 2_000, Now.AddHours(23), London));
        Assert.IsType<CapDecision.Allowed>(SpendingPolicy.Check(raising, SpendBook.Empty, 2_000, Now.AddHours(24), London));
    }

    [Fact]
    public void Spending_exactly_the_remaining_headroom_is_allowed_and_one_more_is_not()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 600, Now, London);
        var limits = Caps(1_000, null, null);

        Assert.Equal(new CapDecision.Allowed(), SpendingPolicy.Check(limits, book, 400, Now, London));
        Assert.Equal(
            new CapDecision.Exceeded(CapWindow.Daily, 1_000, 400, new DateTimeOffset(2026, 5, 6, 23, 0, 0, TimeSpan.Zero)),
            SpendingPolicy.Check(limits, book, 401, Now, London));
    }

    [Fact]
    public void Reservations_count_against_the_cap_until_released()
    {
        var limits = Caps(1_000, null, null);
        var book = SpendBook.Empty.Reserve("pay_1", 700, Now, London);

        Assert.IsType<CapDecision.Exceeded>(SpendingPolicy.Check(limits, book, 500, Now, London));
        Assert.IsType<CapDecision.Exceeded>(SpendingPolicy.Check(limits, book.Settle("pay_1"), 500, Now, London));
        Assert.IsType<CapDecision.Allowed>(SpendingPolicy.Check(limits, book.Release("pay_1"), 500, Now, London));
    }

    [Fact]
    public void The_window_with_the_least_headroom_is_the_one_reported()
    {
        // Daily has 1 000 left, weekly 300, monthly 600: 2 000 exceeds all three, and weekly has the least.
        var monday = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
        var book = SpendBook.Empty.Reserve("pay_monday", 4_700, monday, London).Settle("pay_monday");
        var limits = Caps(1_000, 5_000, 5_300);

        var decision = Assert.IsType<CapDecision.Exceeded>(SpendingPolicy.Check(limits, book, 2_000, Now, London));

        Assert.Equal(CapWindow.Weekly, decision.Window);
        Assert.Equal((5_000L, 300L), (decision.Cap, decision.Remaining));
        Assert.Equal(new DateTimeOffset(2026, 5, 10, 23, 0, 0, TimeSpan.Zero), decision.ResetsAt);
    }

    [Fact]
    public void On_a_tie_the_longer_window_is_reported_because_it_resets_last()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 1_000, Now, London);

        var decision = SpendingPolicy.Check(Caps(1_000, 1_000, 1_000), book, 1, Now, London);

        Assert.Equal(CapWindow.Monthly, Assert.IsType<CapDecision.Exceeded>(decision).Window);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Checking_a_zero_or_negative_amount_is_a_bug(long amount) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpendingPolicy.Check(SpendingLimits.None, SpendBook.Empty, amount, Now, London));

    [Fact]
    public void Limits_compare_by_value_including_the_pending_list()
    {
        var pending = new PendingCap(CapWindow.Daily, 5, Now, Now + CoolingOff);

        Assert.Equal(SpendingLimits.None with { Pending = [pending] }, SpendingLimits.None with { Pending = ImmutableList.Create(pending) });
        Assert.NotEqual(SpendingLimits.None with { Pending = [pending] }, SpendingLimits.None);
    }
}
