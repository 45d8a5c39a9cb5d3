namespace Actors.Grains.Catalog;

/// <summary>The catalog's durable rows: one per version of a SKU, appended and never changed.</summary>
public interface ICatalogStore
{
    /// <summary>The newest version of every SKU.</summary>
    Task<IReadOnlyList<CatalogItem>> LoadCurrent(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="item"/> as its version; false when that version of the SKU is already stored (another
    /// writer got there first), and nothing is written.
    /// </summary>
    Task<bool> Append(CatalogItem item, CancellationToken cancellationToken);
}
