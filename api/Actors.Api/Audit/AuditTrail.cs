using System.Runtime.CompilerServices;
using Actors.Grains.Journal;
using Actors.Grains.Privacy;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Api.Audit;

/// <summary>
/// One audit entry read from the journal: its row as stored (what the chain covers) and, when the customer's data key
/// still opens it, the event it holds. <see cref="PreviousLimits"/> is the limits event before a limits entry, so the
/// entry can say what the caps were before.
/// </summary>
public sealed record AuditRecord(AuditRow Row, string Kind, JournalEvent? Event, JournalEvent? PreviousLimits);

/// <summary>
/// A customer's audit trail, read straight from the journal's audit rows (never from grains), newest first with the
/// sequence as the keyset cursor; and its check: the chain recomputed from the stored rows in order. The payloads are
/// opened here with the customer's data key only to describe entries; checking needs no key.
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource database, CustomerKeys keys, Serializer serializer)
{
    private static readonly string[] LimitsTypes = [.. AuditEntries.StoredTypesOf(AuditKinds.Limits), .. AuditEntries.StoredTypesOf(AuditKinds.SelfExclusion)];

    // A limits entry comes with the limits entry before it (through the partial index on audit rows).
    private const string Entries = """
        SELECT e.sequence, e.event_type, e.recorded_at, e.payload, e.audit_hash, e.audit_previous, p.sequence, p.payload
        FROM customer_events e
        LEFT JOIN LATERAL (
            SELECT sequence, payload FROM customer_events
            WHERE customer_id = e.customer_id AND audit_hash IS NOT NULL AND event_type = ANY($4) AND sequence < e.sequence
            ORDER BY sequence DESC LIMIT 1
        ) p ON e.event_type = ANY($4)
        WHERE e.customer_id = $1 AND e.audit_hash IS NOT NULL AND e.sequence < $2 AND e.sequence >= $3
        ORDER BY e.sequence DESC
        LIMIT $5
        """;

    private const string ChainRows = """
        SELECT sequence, event_type, recorded_at, payload, audit_hash, audit_previous FROM customer_events
        WHERE customer_id = $1 AND audit_hash IS NOT NULL
        ORDER BY sequence
        """;

    /// <summary>Whether the customer was ever written (its first event is there).</summary>
    public async Task<bool> Exists(string customerId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM customer_events WHERE customer_id = $1 AND sequence = 1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Up to <paramref name="limit"/> entries before the sequence <paramref name="before"/> (all when null), newest first, and whether there are more.</summary>
    public async Task<(IReadOnlyList<AuditRecord> Page, bool HasMore)> Page(string customerId, int limit, long? before, CancellationToken cancellationToken)
    {
        var page = await Read(customerId, before ?? long.MaxValue, 1, limit + 1, cancellationToken);
        var hasMore = page.Count > limit;
        return (hasMore ? page[..limit] : page, hasMore);
    }

    /// <summary>Every entry, newest first (for the export).</summary>
    public Task<List<AuditRecord>> All(string customerId, CancellationToken cancellationToken) =>
        Read(customerId, long.MaxValue, 1, int.MaxValue, cancellationToken);

    /// <summary>The audit entry at <paramref name="sequence"/>, or null when that event is no audit entry of the customer.</summary>
    public async Task<AuditRecord?> Entry(string customerId, long sequence, CancellationToken cancellationToken) =>
        sequence is < 1 or long.MaxValue ? null : (await Read(customerId, sequence + 1, sequence, 1, cancellationToken)).FirstOrDefault();

    /// <summary>Every audit row of the customer as stored, in sequence order: what the chain is checked over.</summary>
    public async IAsyncEnumerable<AuditRow> Rows(string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(ChainRows);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Row(reader);
        }
    }

    /// <summary>Recomputes the customer's chain from the stored rows and compares it with the hashes they hold.</summary>
    public async Task<AuditVerification> Verify(string customerId, CancellationToken cancellationToken)
    {
        var rows = new List<AuditRow>();
        await foreach (var row in Rows(customerId, cancellationToken))
        {
            rows.Add(row);
        }
        return AuditChain.Verify(customerId, rows, await Anchor(customerId, cancellationToken));
    }

    /// <summary>Where the kept trail begins when retention removed its oldest entries; null while it begins at the first.</summary>
    private async Task<AuditAnchor?> Anchor(string customerId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT sequence, hash FROM audit_anchors WHERE customer_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AuditAnchor(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    private async Task<List<AuditRecord>> Read(string customerId, long before, long from, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(Entries);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = LimitsTypes });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<(AuditRow Row, long? PreviousSequence, byte[]? PreviousPayload)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((Row(reader), reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7)));
            }
        }
        // After erasure the key is gone: the entries still show, and still verify, but no longer say what they held.
        var key = rows.Count > 0 ? await keys.Find(customerId, cancellationToken) : null;
        return [.. rows.Select(found => new AuditRecord(
            found.Row,
            AuditEntries.KindsByStoredType.GetValueOrDefault(found.Row.EventType, found.Row.EventType),
            Open(key, found.Row.Sequence, found.Row.Payload),
            found.PreviousSequence is { } sequence ? Open(key, sequence, found.PreviousPayload!) : null))];
    }

    /// <summary>The event a row holds; null when the key is gone or the row was changed (verification says where).</summary>
    private JournalEvent? Open(DataKey? key, long sequence, byte[] payload)
    {
        if (key is null)
        {
            return null;
        }
        try
        {
            return serializer.Deserialize<JournalEvent>(key.Open(SealedPurposes.Event, sequence, payload));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static AuditRow Row(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
        reader.GetFieldValue<byte[]>(3),
        reader.GetFieldValue<byte[]>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5));
}
