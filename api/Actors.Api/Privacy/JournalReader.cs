using System.Runtime.CompilerServices;
using Actors.Grains.Journal;
using Actors.Grains.Privacy;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Api.Privacy;

/// <summary>
/// Reads one customer's journal events straight from <c>customer_events</c>, as the payment history reads its ledger
/// rows: opened with the customer's data key and deserialized here, never through the customer's grain, so a long read
/// holds no customer's turn.
/// </summary>
public sealed class JournalReader(NpgsqlDataSource database, CustomerKeys keys, Serializer serializer)
{
    /// <summary>Every event before sequence <paramref name="before"/> (all when null), oldest first, streamed.</summary>
    public async IAsyncEnumerable<JournalEntry> Forward(string customerId, long? before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = await KeyOf(customerId, cancellationToken);
        if (key is null)
        {
            yield break;
        }
        await using var command = database.CreateCommand(
            "SELECT sequence, payload FROM customer_events WHERE customer_id = $1 AND sequence < $2 ORDER BY sequence");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before ?? long.MaxValue });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequence = reader.GetInt64(0);
            yield return new JournalEntry(sequence, JournalRows.Open(serializer, key, sequence, reader.GetFieldValue<byte[]>(1)));
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events before sequence <paramref name="before"/> (from the newest when null), newest
    /// first, leaving out the types in <paramref name="skipped"/>.
    /// </summary>
    public async Task<IReadOnlyList<JournalEntry>> Backward(
        string customerId, long? before, int limit, IReadOnlyCollection<Type> skipped, CancellationToken cancellationToken)
    {
        var skip = skipped.Count == 0 ? "" : $"AND event_type NOT IN ({JournalRows.SqlList(skipped)})";
        return await Read(customerId, $"""
            SELECT sequence, payload FROM customer_events WHERE customer_id = $1 AND sequence < $2 {skip}
            ORDER BY sequence DESC LIMIT {limit}
            """, before ?? long.MaxValue, cancellationToken);
    }

    /// <summary>Every event of the types <paramref name="types"/>, newest first.</summary>
    public Task<IReadOnlyList<JournalEntry>> OfTypes(string customerId, IReadOnlyCollection<Type> types, CancellationToken cancellationToken) =>
        Read(customerId, $"""
            SELECT sequence, payload FROM customer_events WHERE customer_id = $1 AND sequence < $2 AND event_type IN ({JournalRows.SqlList(types)})
            ORDER BY sequence DESC
            """, long.MaxValue, cancellationToken);

    /// <summary>The event at <paramref name="sequence"/>; null when there is none.</summary>
    public async Task<JournalEvent?> Read(string customerId, long sequence, CancellationToken cancellationToken) =>
        (await Read(customerId, "SELECT sequence, payload FROM customer_events WHERE customer_id = $1 AND sequence = $2", sequence, cancellationToken))
            .SingleOrDefault()?.Event;

    /// <summary>The sequence of the first event decided after <paramref name="moment"/>; null when every event is at or before it.</summary>
    public async Task<long?> FirstAfter(string customerId, DateTimeOffset moment, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT min(sequence) FROM customer_events WHERE customer_id = $1 AND recorded_at > $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = moment.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    /// <summary>The sequence of a payment's reservation in this customer's journal; null when it is not one of theirs.</summary>
    public async Task<long?> ReservationOf(string customerId, string paymentId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT sequence FROM customer_events WHERE customer_id = $1 AND payment_id = $2 AND ledger_kind = 'authorized'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = paymentId });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    private async Task<IReadOnlyList<JournalEntry>> Read(string customerId, string sql, long bound, CancellationToken cancellationToken)
    {
        var key = await KeyOf(customerId, cancellationToken);
        if (key is null)
        {
            return [];
        }
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bound });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequence = reader.GetInt64(0);
            entries.Add(new JournalEntry(sequence, JournalRows.Open(serializer, key, sequence, reader.GetFieldValue<byte[]>(1))));
        }
        return entries;
    }

    // A customer without a key has no readable journal: never written, or erased.
    private ValueTask<DataKey?> KeyOf(string customerId, CancellationToken cancellationToken) => keys.Find(customerId, cancellationToken);
}
