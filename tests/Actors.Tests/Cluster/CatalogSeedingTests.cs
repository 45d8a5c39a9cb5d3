using Actors.Grains.Catalog;
using Actors.Silo.Hosting;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Actors.Tests.Cluster;

/// <summary>
/// The catalog starts from <c>Catalog:Items</c> and from then on belongs to the merchant: a restart with the same (or a
/// longer) configuration adds only SKUs the table does not have, and never undoes an operator's change.
/// </summary>
public sealed class CatalogSeedingTests
{
    private static readonly Dictionary<string, string?> Seed = new()
    {
        ["Catalog:Items:beans:Name"] = "Coffee beans",
        ["Catalog:Items:beans:UnitPrice"] = "1450",
        ["Catalog:Items:beans:Currency"] = "EUR",
        ["Catalog:Items:mug:Name"] = "Enamel mug",
        ["Catalog:Items:mug:UnitPrice"] = "899",
        ["Catalog:Items:mug:Currency"] = "GBP",
    };

    private static readonly Dictionary<string, string?> Grinder = new()
    {
        ["Catalog:Items:grinder:Name"] = "Hand grinder",
        ["Catalog:Items:grinder:UnitPrice"] = "4900",
        ["Catalog:Items:grinder:Currency"] = "EUR",
    };

    private static async Task<InProcessTestCluster> Start(string connectionString, IEnumerable<KeyValuePair<string, string?>> catalog)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(PaymentTestSettings.Values).AddInMemoryCollection(catalog));
        builder.ConfigureSilo((_, silo) => silo.AddActorsPersistence(connectionString).AddActorsPayments(connectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static ICatalogGrain Catalog(InProcessTestCluster cluster) => cluster.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key);

    [Fact]
    public async Task Configured_items_seed_an_empty_catalog_and_a_restart_keeps_the_operator_s_change()
    {
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        var stored = new StoredData(connectionString);

        await using (var first = await Start(connectionString, Seed))
        {
            var seeded = await Catalog(first).List();
            Assert.Equal(
                [("beans", 1L, "Coffee beans", 1_450L, "EUR", true), ("mug", 1L, "Enamel mug", 899L, "GBP", true)],
                seeded.Select(item => (item.Sku, item.Version, item.Name, item.UnitPrice, item.Currency, item.Active)));
            var changed = Assert.IsType<CatalogResult.Item>(await Catalog(first).Put("beans", new CatalogItemDraft("Coffee beans", 1_600, "EUR", true)));
            Assert.Equal((2L, 1_600L), (changed.Current.Version, changed.Current.UnitPrice));
        }

        await using (var restarted = await Start(connectionString, Seed.Concat(Grinder)))
        {
            var items = await Catalog(restarted).List();
            Assert.Equal(
                [("beans", 2L, 1_600L), ("grinder", 1L, 4_900L), ("mug", 1L, 899L)],
                items.Select(item => (item.Sku, item.Version, item.UnitPrice)));
        }

        Assert.Equal([(1L, "Coffee beans", 1_450L, "EUR", true), (2L, "Coffee beans", 1_600L, "EUR", true)], await stored.CatalogVersionsOf("beans"));
        Assert.Equal([(1L, "Enamel mug", 899L, "GBP", true)], await stored.CatalogVersionsOf("mug"));
    }
}
