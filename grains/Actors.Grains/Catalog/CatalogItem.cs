using System.Collections.Immutable;

namespace Actors.Grains.Catalog;

/// <summary>
/// One version of a product in the merchant's catalog. A change adds a version; nothing is changed in place, so a
/// price a customer was shown can always be traced to the version it came from.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalog-item-v1")]
public sealed record CatalogItem(
    [property: Id(0)] string Sku,
    [property: Id(1)] long Version,
    [property: Id(2)] string Name,
    [property: Id(3)] long UnitPrice,
    [property: Id(4)] string Currency,
    [property: Id(5)] bool Active,
    [property: Id(6)] DateTimeOffset ChangedAt);

/// <summary>What an operator states about a SKU: the whole item (an absent <see cref="Active"/> means active).</summary>
[GenerateSerializer, Immutable, Alias("catalog-item-draft-v1")]
public sealed record CatalogItemDraft(
    [property: Id(0)] string? Name,
    [property: Id(1)] long? UnitPrice,
    [property: Id(2)] string? Currency,
    [property: Id(3)] bool? Active);

/// <summary>The current versions of the SKUs a decision needs; only active items have a price.</summary>
[GenerateSerializer, Immutable, Alias("price-list-v1")]
public sealed record PriceList([property: Id(0)] ImmutableDictionary<string, CatalogItem> Items)
{
    public static PriceList Empty { get; } = new(ImmutableDictionary<string, CatalogItem>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The item that prices <paramref name="sku"/>, or null when the catalog has none or it is inactive.</summary>
    public CatalogItem? Find(string sku) => Items.TryGetValue(sku, out var item) && item.Active ? item : null;
}

/// <summary>What a catalog change came to: errors a caller can cause are values.</summary>
[GenerateSerializer, Immutable, Alias("catalog-result")]
public abstract record CatalogResult
{
    /// <summary>The item as it now stands; <see cref="Changed"/> says whether this request added its version.</summary>
    [GenerateSerializer, Immutable, Alias("catalog-result-item")]
    public sealed record Item([property: Id(0)] CatalogItem Current, [property: Id(1)] bool Changed) : CatalogResult;

    [GenerateSerializer, Immutable, Alias("catalog-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : CatalogResult;
}
