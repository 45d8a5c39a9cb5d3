using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Actors.Grains.Catalog;

/// <summary>
/// The merchant's catalog: the current version of every item, in memory, and the one writer of its table. Reads
/// interleave, so many customers price at once; a change is durable before it answers.
/// </summary>
[Alias("catalog-grain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>The one catalog of the service.</summary>
    public const string Key = "catalog";

    /// <summary>Every item, active or not, ordered by SKU.</summary>
    [Alias("list"), ReadOnly]
    Task<ImmutableList<CatalogItem>> List(CancellationToken cancellationToken = default);

    [Alias("get"), ReadOnly]
    Task<CatalogItem?> Get(string sku, CancellationToken cancellationToken = default);

    /// <summary>The current versions of those of <paramref name="skus"/> the catalog has.</summary>
    [Alias("prices"), ReadOnly]
    Task<PriceList> Prices(ImmutableArray<string> skus, CancellationToken cancellationToken = default);

    /// <summary>States the whole item; a new version only when something differs from the current one.</summary>
    [Alias("put")]
    Task<CatalogResult> Put(string sku, CatalogItemDraft draft, CancellationToken cancellationToken = default);
}
