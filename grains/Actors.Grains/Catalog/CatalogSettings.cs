namespace Actors.Grains.Catalog;

/// <summary>
/// <c>Catalog:Items:&lt;sku&gt;</c>: the products a fresh catalog starts with. Only SKUs the catalog does not have yet are
/// added, so an operator's later change survives every restart.
/// </summary>
public sealed class CatalogSettings
{
    public const string Section = "Catalog";

    public Dictionary<string, CatalogSeedItem> Items { get; init; } = [];

    /// <summary>Whether every seed item would be accepted through the API; the names of those that would not.</summary>
    public IEnumerable<string> InvalidItems() =>
        Items.Where(item => CatalogRules.Validate(item.Key, item.Value.ToDraft(), out _, out _).Count > 0).Select(item => item.Key);
}

public sealed class CatalogSeedItem
{
    public string? Name { get; init; }
    public long UnitPrice { get; init; }
    public string? Currency { get; init; }

    public CatalogItemDraft ToDraft() => new(Name, UnitPrice, Currency, Active: true);
}
