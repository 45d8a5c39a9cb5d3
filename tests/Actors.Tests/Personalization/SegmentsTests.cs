using Actors.Grains.Personalization;
using CsCheck;

namespace Actors.Tests.Personalization;

public sealed class SegmentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private const long HighValue = 100_000;

    private static ShopperStats Bought(params (long Amount, int DaysAgo)[] purchases) =>
        purchases.OrderByDescending(purchase => purchase.DaysAgo)
            .Aggregate(ShopperStats.None, (stats, purchase) => stats.WithPurchase(purchase.Amount, Now.AddDays(-purchase.DaysAgo)));

    [Fact]
    public void A_customer_who_joined_this_month_is_new()
    {
        Assert.Equal([Segment.New], Segments.Of(ShopperStats.None, Now.AddDays(-29), HighValue, Now));
        Assert.Empty(Segments.Of(ShopperStats.None, Now.AddDays(-30), HighValue, Now));
    }

    [Fact]
    public void Four_purchases_within_thirty_days_make_a_frequent_customer()
    {
        var since = Now.AddDays(-400);

        Assert.Equal([Segment.Frequent], Segments.Of(Bought((1_000, 1), (1_000, 5), (1_000, 10), (1_000, 30)), since, HighValue, Now));
        Assert.Empty(Segments.Of(Bought((1_000, 1), (1_000, 5), (1_000, 10), (1_000, 31)), since, HighValue, Now));
    }

    [Fact]
    public void A_customer_whose_last_purchase_is_over_ninety_days_old_has_lapsed()
    {
        var since = Now.AddDays(-400);

        Assert.Equal([Segment.Lapsed], Segments.Of(Bought((1_000, 200), (1_000, 91)), since, HighValue, Now));
        Assert.Empty(Segments.Of(Bought((1_000, 200), (1_000, 90)), since, HighValue, Now));
        Assert.Empty(Segments.Of(ShopperStats.None, since, HighValue, Now));
    }

    [Fact]
    public void Net_spend_from_the_threshold_is_high_value_and_refunds_count_against_it()
    {
        var stats = Bought((60_000, 3), (40_000, 2));
        var since = Now.AddDays(-10);

        Assert.Equal([Segment.New, Segment.HighValue], Segments.Of(stats, since, HighValue, Now));
        Assert.Equal([Segment.New], Segments.Of(stats.WithRefund(1), since, HighValue, Now));
    }

    [Fact]
    public void The_usual_amount_is_the_median_of_recent_purchases_once_there_are_three()
    {
        Assert.Null(Bought((1_000, 3), (5_000, 2)).UsualAmount);
        Assert.Equal(2_000, Bought((1_000, 3), (90_000, 2), (2_000, 1)).UsualAmount);
    }

    [Fact]
    public void Stats_keep_every_purchase_in_their_totals_and_only_the_latest_ten_in_detail()
    {
        Gen.Long[1, 100_000].Array[0, 40].Sample(amounts =>
        {
            var stats = amounts.Select((amount, i) => (amount, DaysAgo: amounts.Length - i)).ToArray();

            var kept = Bought(stats);

            Assert.Equal(amounts.Length, kept.Purchases);
            Assert.Equal(amounts.Sum(), kept.NetSpend);
            Assert.Equal(Math.Min(amounts.Length, ShopperStats.Recent), kept.RecentPurchases.Count);
            Assert.Equal(amounts.TakeLast(ShopperStats.Recent).Reverse(), kept.RecentPurchases.Select(purchase => purchase.Amount));
        });
    }
}
