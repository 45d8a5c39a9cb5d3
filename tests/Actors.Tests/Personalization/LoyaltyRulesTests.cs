using Actors.Grains.Money;
using Actors.Grains.Personalization;
using CsCheck;

namespace Actors.Tests.Personalization;

public sealed class LoyaltyRulesTests
{
    private static readonly ExchangeRates Rates = new(new Dictionary<string, decimal> { ["EUR"] = 1m, ["JPY"] = 160m });

    // One point per euro; a point is worth one cent; at most half a checkout in points.
    private static readonly LoyaltySettings Settings = new();

    [Theory]
    [InlineData(1_999, "EUR", 19)]
    [InlineData(2_000, "EUR", 20)]
    [InlineData(99, "EUR", 0)]
    [InlineData(3_200, "JPY", 20)] // 3,200 yen = 20 euros
    [InlineData(0, "EUR", 0)]
    [InlineData(1_000, "USD", 0)] // no rate: nothing is earned rather than a guess
    public void Points_are_earned_per_whole_unit_of_the_loyalty_currency(long amount, string currency, long points) =>
        Assert.Equal(points, LoyaltyRules.Earned(amount, currency, Settings, Rates));

    [Fact]
    public void Redeeming_points_gives_their_worth_off_in_the_checkouts_currency()
    {
        Assert.Equal(new PointsRedemption(500, 500), LoyaltyRules.Redeem(balance: 800, requested: 500, total: 4_000, "EUR", Settings, Rates));
        // 500 points = 5 euros = 800 yen.
        Assert.Equal(new PointsRedemption(500, 800), LoyaltyRules.Redeem(balance: 800, requested: 500, total: 4_000, "JPY", Settings, Rates));
    }

    [Fact]
    public void More_points_than_the_balance_or_than_half_the_total_are_refused()
    {
        Assert.Null(LoyaltyRules.Redeem(balance: 400, requested: 500, total: 4_000, "EUR", Settings, Rates));
        Assert.Null(LoyaltyRules.Redeem(balance: 5_000, requested: 2_001, total: 4_000, "EUR", Settings, Rates));
        Assert.Equal(2_000, LoyaltyRules.MaxRedeemable(5_000, 4_000, "EUR", Settings, Rates));
        Assert.Null(LoyaltyRules.Redeem(balance: 5_000, requested: 0, total: 4_000, "EUR", Settings, Rates));
    }

    [Fact]
    public void The_most_redeemable_never_exceeds_the_balance_nor_half_the_total()
    {
        Gen.Select(Gen.Long[0, 1_000_000], Gen.Long[1, 10_000_000], Gen.OneOf(Gen.Const("EUR"), Gen.Const("JPY"))).Sample((balance, total, currency) =>
        {
            var most = LoyaltyRules.MaxRedeemable(balance, total, currency, Settings, Rates);

            Assert.InRange(most, 0, balance);
            Assert.True(LoyaltyRules.Worth(most, currency, Settings, Rates) <= total / 2);
            // And it is the most: one point more would be too many (or more than the balance).
            Assert.True(most == balance || LoyaltyRules.Worth(most + 1, currency, Settings, Rates) > total / 2);
        });
    }
}
