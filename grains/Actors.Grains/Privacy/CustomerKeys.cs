using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Actors.Grains.Privacy;

/// <summary>
/// Customers' data keys in <c>customer_keys</c>, one row per customer (so destroying one key crypto-shreds one
/// customer), each 32 random bytes wrapped by a master key. Unwrapped keys are kept in a bounded in-process cache, so
/// a commit or a history page does not read the table again; readers that already have the row hand it to
/// <see cref="Remember"/>.
/// </summary>
public sealed class CustomerKeys(NpgsqlDataSource database, MasterKeyRing masterKeys)
{
    /// <summary>Unwrapped keys kept in memory; the least recently used one goes first.</summary>
    public const int CacheCapacity = 10_000;

    // Of two processes creating one customer's key at once, the first insert wins and both read it back. An erased
    // customer (a tombstone in erased_customers) never gets a key again, so nothing can be sealed for them anew.
    private const string Create = """
        WITH created AS (
            INSERT INTO customer_keys (customer_id, master_key_id, wrapped_key, created_at)
            SELECT $1, $2, $3, now() WHERE NOT EXISTS (SELECT 1 FROM erased_customers WHERE customer_id = $1)
            ON CONFLICT (customer_id) DO NOTHING
            RETURNING master_key_id, wrapped_key
        )
        SELECT master_key_id, wrapped_key FROM created
        """;

    private const string Select = "SELECT master_key_id, wrapped_key FROM customer_keys WHERE customer_id = $1";

    // Each key counts 1 against the limit; past it the cache drops the least recently used.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = CacheCapacity });

    /// <summary>The customer's key, created on their first write: durable before anything sealed with it is.</summary>
    /// <exception cref="Erasure.CustomerErasedException">The customer is erased: their key is gone for good.</exception>
    public async ValueTask<DataKey> ForWriting(string customerId, CancellationToken cancellationToken)
    {
        if (Cached(customerId) is { } cached || await Find(customerId, cancellationToken) is { } found && (cached = found) is not null)
        {
            return cached;
        }
        var dataKey = RandomNumberGenerator.GetBytes(Sealing.KeyBytes);
        await using (var command = database.CreateCommand(Create))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = masterKeys.ActiveId });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = masterKeys.Wrap(customerId, dataKey) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return Keep(customerId, new DataKey(customerId, dataKey));
            }
        }
        // Another writer's key won the race (it is committed, so it can be read now), or the customer is erased.
        return await Find(customerId, cancellationToken) ?? throw new Erasure.CustomerErasedException(customerId);
    }

    /// <summary>The customer's key, or null when they have none (never written, or their key was destroyed).</summary>
    public async ValueTask<DataKey?> Find(string customerId, CancellationToken cancellationToken)
    {
        if (Cached(customerId) is { } cached)
        {
            return cached;
        }
        await using var command = database.CreateCommand(Select);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Remember(customerId, reader.GetString(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    /// <summary>The key of a <c>customer_keys</c> row the caller read along with other data.</summary>
    public DataKey Remember(string customerId, string masterKeyId, byte[] wrappedKey) =>
        Cached(customerId) ?? Keep(customerId, new DataKey(customerId, masterKeys.Unwrap(customerId, masterKeyId, wrappedKey)));

    private DataKey? Cached(string customerId) => cache.TryGetValue(customerId, out DataKey? cached) ? cached : null;

    /// <summary>Caches <paramref name="key"/> unless the customer's key is cached already, and returns the cached one.</summary>
    private DataKey Keep(string customerId, DataKey key) =>
        cache.GetOrCreate(customerId, entry =>
        {
            entry.Size = 1;
            return key;
        })!;

    /// <summary>Drops the cached key of a customer (e.g. once it is destroyed).</summary>
    public void Forget(string customerId) => cache.Remove(customerId);

    /// <summary>
    /// Wraps every data key not yet under the active master key with it, a page at a time; the data keys themselves do not
    /// change, so nothing sealed needs rewriting. Returns how many were rewrapped. Keys under a master key no longer
    /// configured are left as they are (nothing can open them here). Safe to run in several processes at once: a row is
    /// only replaced if it still holds what was read.
    /// </summary>
    public async Task<int> Rewrap(CancellationToken cancellationToken)
    {
        var rewrapped = 0;
        while (true)
        {
            var page = new List<(string CustomerId, string MasterKeyId, byte[] Wrapped)>();
            await using (var select = database.CreateCommand(
                """
                SELECT customer_id, master_key_id, wrapped_key FROM customer_keys
                WHERE master_key_id <> $1 AND master_key_id = ANY($2) ORDER BY customer_id LIMIT 500
                """))
            {
                select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = masterKeys.ActiveId });
                select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = masterKeys.Ids });
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
                }
            }
            if (page.Count == 0)
            {
                return rewrapped;
            }
            await using var batch = database.CreateBatch();
            foreach (var (customerId, masterKeyId, wrapped) in page)
            {
                var update = new NpgsqlBatchCommand(
                    "UPDATE customer_keys SET master_key_id = $2, wrapped_key = $3 WHERE customer_id = $1 AND master_key_id = $4 AND wrapped_key = $5");
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = masterKeys.ActiveId });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = masterKeys.Wrap(customerId, masterKeys.Unwrap(customerId, masterKeyId, wrapped)) });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = masterKeyId });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = wrapped });
                batch.BatchCommands.Add(update);
            }
            rewrapped += await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
