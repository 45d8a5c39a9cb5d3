using Actors.Grains.Catalog;
using Actors.Silo.Hosting;
using Npgsql;

namespace Actors.Silo.Catalog;

/// <summary>The catalog's versions in <c>catalog_items</c>: appended, never updated.</summary>
public sealed class PostgresCatalogStore(SiloDatabase database) : ICatalogStore
{
    private const string Current = """
        SELECT DISTINCT ON (sku) sku, version, name, unit_price, currency, active, changed_at
        FROM catalog_items
        ORDER BY sku, version DESC
        """;

    private const string Insert = """
        INSERT INTO catalog_items (sku, version, name, unit_price, currency, active, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (sku, version) DO NOTHING
        """;

    public async Task<IReadOnlyList<CatalogItem>> LoadCurrent(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Current);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<CatalogItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new CatalogItem(
                reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return items;
    }

    public async Task<bool> Append(CatalogItem item, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Insert);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = item.Sku });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = item.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = item.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = item.UnitPrice });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = item.Currency });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = item.Active });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = item.ChangedAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
