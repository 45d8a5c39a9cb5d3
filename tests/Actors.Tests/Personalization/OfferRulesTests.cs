using Actors.Grains.Personalization;
using CsCheck;

namespace Actors.Tests.Personalization;

public sealed class OfferRulesTests
{
    private static readonly Offer TenPercentOverFifty = new() { Id = "basket10", Title = "10% off over 50 EUR", PercentOff = 10, Currency = "EUR", MinimumBasket = 5_000 };
    private static readonly Offer FiveOffFirst = new() { Id = "welcome", Title = "5 EUR off your first order", AmountOff = 500, Currency = "EUR", FirstPurchaseOnly = true };
    private static readonly Offer FrequentFifteen = new() { Id = "regulars", Title = "15% for regulars", PercentOff = 15, Segment = Segment.Frequent };
    private static readonly Offer StoreTwenty = new() { Id = "store", Title = "20% in store", PercentOff = 20, Channel = "pos" };

    private static OfferContext Purchase(long total, bool first = false, string channel = "web", IReadOnlySet<Segment>? segments = null) =>
        new(total, "EUR", channel, first, segments);

    [Fact]
    public void The_offer_that_takes_most_off_applies()
    {
        var best = OfferRules.Best([TenPercentOverFifty, FiveOffFirst], Purchase(6_000, first: true));

        Assert.Equal(new AppliedOffer("basket10", "10% off over 50 EUR", 600, false, "Applied because your basket is at least 50.00 EUR."), best);
    }

    [Fact]
    public void Conditions_of_the_purchase_decide_without_targeting()
    {
        Assert.Null(OfferRules.Best([TenPercentOverFifty], Purchase(4_999)));
        Assert.Equal(500, OfferRules.Best([FiveOffFirst], Purchase(2_000, first: true))!.Discount);
        Assert.Null(OfferRules.Best([FiveOffFirst], Purchase(2_000, first: false)));
        Assert.Null(OfferRules.Best([StoreTwenty], Purchase(2_000, channel: "web")));
        Assert.Equal("Applied because you are buying in store.", OfferRules.Best([StoreTwenty], Purchase(2_000, channel: "pos"))!.Reason);
    }

    [Fact]
    public void A_targeted_offer_needs_the_segments_which_only_marketing_consent_provides()
    {
        Assert.Null(OfferRules.Best([FrequentFifteen], Purchase(2_000, segments: null)));
        Assert.Null(OfferRules.Best([FrequentFifteen], Purchase(2_000, segments: new HashSet<Segment> { Segment.New })));

        var applied = OfferRules.Best([FrequentFifteen], Purchase(2_000, segments: new HashSet<Segment> { Segment.Frequent }))!;

        Assert.Equal((300, true), (applied.Discount, applied.Targeted));
        Assert.Equal("Applied because you bought at least 4 times in the last 30 days and allowed marketing offers.", applied.Reason);
    }

    [Fact]
    public void An_offer_in_another_currency_does_not_apply()
    {
        Assert.Null(OfferRules.Best([FiveOffFirst], new OfferContext(2_000, "GBP", "web", true, null)));
    }

    [Fact]
    public void An_offer_never_takes_the_whole_total()
    {
        Gen.Select(Gen.Long[1, 10_000_000], Gen.Int[1, 100], Gen.Long[1, 20_000_000]).Sample((total, percent, amountOff) =>
        {
            Offer[] offers =
            [
                new() { Id = "p", Title = "p", PercentOff = percent },
                new() { Id = "a", Title = "a", AmountOff = amountOff, Currency = "EUR" },
            ];

            if (OfferRules.Best(offers, Purchase(total)) is { } applied)
            {
                Assert.InRange(applied.Discount, 1, total - 1);
            }
        });
    }
}
