using System.Collections.Immutable;
using Actors.Grains.Personalization;
using Actors.Grains.Wallets;
using CsCheck;

namespace Actors.Tests.Personalization;

public sealed class MethodRankingTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static PaymentMethod Card(string id, int daysSinceAdded, int expiryYear = 2030) =>
        new(id, "tok_" + id, "visa", id[^4..], 12, expiryYear, "DE", Now.AddDays(-daysSinceAdded), LastUsedAt: null);

    private static Wallet WalletOf(string? preferred, params PaymentMethod[] methods) => new() { Methods = [.. methods], PreferredId = preferred };

    private static MethodSuccess Paid(string id, int daysAgo) => new(id, Now.AddDays(-daysAgo));

    [Fact]
    public void Neutral_order_is_preferred_then_newest_saved_with_expired_cards_last()
    {
        var wallet = WalletOf("pm_1111", Card("pm_1111", 300), Card("pm_2222", 10), Card("pm_3333", 100), Card("pm_4444", 1, expiryYear: 2025));

        var ranked = MethodRanking.Neutral(wallet, Now);

        Assert.Equal(["pm_1111", "pm_2222", "pm_3333", "pm_4444"], ranked.Select(method => method.Id));
    }

    [Fact]
    public void Cards_paid_with_more_often_and_more_recently_come_first_after_the_preferred_one()
    {
        var wallet = WalletOf("pm_1111", Card("pm_1111", 300), Card("pm_2222", 10), Card("pm_3333", 100));

        var (ranked, reasons) = MethodRanking.ByOwnSuccesses(wallet, [Paid("pm_3333", 2), Paid("pm_3333", 5), Paid("pm_2222", 1)], Now);

        Assert.Equal(["pm_1111", "pm_3333", "pm_2222"], ranked.Select(method => method.Id));
        Assert.Equal(
            [
                "Visa ending 3333 is offered early because you paid with it twice in the last 180 days, most recently 2 days ago.",
                "Visa ending 2222 is offered early because you paid with it once in the last 180 days, most recently yesterday.",
            ],
            reasons);
    }

    [Fact]
    public void A_card_used_often_long_ago_yields_to_one_used_lately()
    {
        var wallet = WalletOf(null, Card("pm_1111", 400), Card("pm_2222", 400));
        MethodSuccess[] history = [Paid("pm_1111", 150), Paid("pm_1111", 151), Paid("pm_1111", 152), Paid("pm_2222", 3)];

        var (ranked, _) = MethodRanking.ByOwnSuccesses(wallet, history, Now);

        Assert.Equal(["pm_2222", "pm_1111"], ranked.Select(method => method.Id));
    }

    [Fact]
    public void Successes_past_the_lookback_count_for_nothing()
    {
        var wallet = WalletOf(null, Card("pm_1111", 500), Card("pm_2222", 20));

        var (ranked, reasons) = MethodRanking.ByOwnSuccesses(wallet, [Paid("pm_1111", 181), Paid("pm_1111", 200)], Now);

        Assert.Equal(MethodRanking.Neutral(wallet, Now), ranked);
        Assert.Empty(reasons);
    }

    [Fact]
    public void Both_orders_hold_every_saved_method_once_and_keep_the_preferred_usable_card_first()
    {
        var genCard = Gen.Select(Gen.Int[1000, 9999], Gen.Int[0, 800], Gen.Int[2024, 2030])
            .Select((last4, age, year) => Card($"pm_{last4}", age, year));
        var genCase = Gen.Select(genCard.Array[1, 8], Gen.Int[0, 400].Array[0, 30], Gen.Bool);
        genCase.Sample((cards, ages, preferFirst) =>
        {
            var unique = cards.DistinctBy(card => card.Id).ToArray();
            var wallet = WalletOf(preferFirst ? unique[0].Id : null, unique);
            var history = ages.Select((age, i) => Paid(unique[i % unique.Length].Id, age));

            var neutral = MethodRanking.Neutral(wallet, Now);
            var (personal, _) = MethodRanking.ByOwnSuccesses(wallet, history, Now);

            Assert.Equal(unique.Select(card => card.Id).Order(), neutral.Select(card => card.Id).Order());
            Assert.Equal(unique.Select(card => card.Id).Order(), personal.Select(card => card.Id).Order());
            if (preferFirst && !unique[0].IsExpiredAt(Now))
            {
                Assert.Equal(unique[0].Id, neutral[0].Id);
                Assert.Equal(unique[0].Id, personal[0].Id);
            }
            // Expired cards are last in both orders.
            Assert.True(personal.SkipWhile(card => !card.IsExpiredAt(Now)).All(card => card.IsExpiredAt(Now)));
        });
    }

    [Fact]
    public void Without_history_the_personalized_order_is_the_neutral_one()
    {
        Gen.Select(Gen.Int[0, 800].Array[1, 8], Gen.Bool).Sample((ages, prefer) =>
        {
            var cards = ages.Select((age, i) => Card($"pm_{1000 + i}", age)).ToArray();
            var wallet = WalletOf(prefer ? cards[^1].Id : null, cards);

            Assert.Equal(MethodRanking.Neutral(wallet, Now), MethodRanking.ByOwnSuccesses(wallet, ImmutableList<MethodSuccess>.Empty, Now).Methods);
        });
    }
}
