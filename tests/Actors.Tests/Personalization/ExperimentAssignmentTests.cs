using Actors.Grains.Experiments;

namespace Actors.Tests.Personalization;

public sealed class ExperimentAssignmentTests
{
    private static string Customer(int i) => $"cus_{i:D20}";

    [Fact]
    public void A_customer_is_always_in_the_same_variant_of_an_experiment()
    {
        var first = Enumerable.Range(0, 200).Select(i => ExperimentAssignment.VariantOf("ranking-2026", Customer(i))).ToList();
        var again = Enumerable.Range(0, 200).Select(i => ExperimentAssignment.VariantOf("ranking-2026", Customer(i))).ToList();

        Assert.Equal(first, again);
        Assert.All(first, variant => Assert.Contains(variant, new[] { ExperimentAssignment.On, ExperimentAssignment.Off }));
    }

    [Fact]
    public void Customers_split_about_evenly_and_each_experiment_splits_them_its_own_way()
    {
        var ids = Enumerable.Range(0, 10_000).Select(Customer).ToList();
        var ranking = ids.Select(id => ExperimentAssignment.VariantOf("ranking", id)).ToList();
        var offer = ids.Select(id => ExperimentAssignment.VariantOf("welcome-offer", id)).ToList();

        Assert.InRange(ranking.Count(variant => variant == ExperimentAssignment.On), 4_800, 5_200);
        // Independent experiments agree about half the time, not always.
        Assert.InRange(ranking.Zip(offer).Count(pair => pair.First == pair.Second), 4_800, 5_200);
    }

    [Fact]
    public void Only_the_off_variant_turns_a_strategy_off_and_an_offer_experiment_only_its_own_offer()
    {
        ExperimentSettings[] experiments =
        [
            new() { Id = "ranking", Strategy = ExperimentStrategy.MethodRanking },
            new() { Id = "welcome", Strategy = ExperimentStrategy.Offer, OfferId = "welcome10" },
        ];
        var off = new Dictionary<string, string> { ["ranking"] = ExperimentAssignment.Off, ["welcome"] = ExperimentAssignment.Off };
        var on = new Dictionary<string, string> { ["ranking"] = ExperimentAssignment.On, ["welcome"] = ExperimentAssignment.On };

        Assert.True(ExperimentAssignment.TurnsOff(experiments, off, ExperimentStrategy.MethodRanking));
        Assert.False(ExperimentAssignment.TurnsOff(experiments, on, ExperimentStrategy.MethodRanking));
        Assert.True(ExperimentAssignment.TurnsOff(experiments, off, ExperimentStrategy.Offer, "welcome10"));
        Assert.False(ExperimentAssignment.TurnsOff(experiments, off, ExperimentStrategy.Offer, "basket10"));
    }
}
