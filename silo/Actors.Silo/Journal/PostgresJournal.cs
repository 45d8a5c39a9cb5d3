using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Erasure;
using Actors.Grains.Idempotency;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Grains.Privacy;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Silo.Hosting;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Actors.Silo.Journal;

/// <summary>
/// The customer journal on PostgreSQL (<c>customer_events</c>, <c>customer_snapshots</c>). Events and snapshots are
/// stored with the Orleans serializer and sealed with the customer's data key (<see cref="CustomerKeys"/>); money events
/// also fill the ledger columns of their row, the free-text description sealed too. Appends go through the silo's
/// <see cref="JournalAppender"/>, so many customers share one commit.
/// </summary>
public sealed class PostgresJournal(SiloDatabase database, JournalAppender appender, Serializer serializer, CustomerKeys keys, TimeProvider clock) : ICustomerJournal
{
    // The first event is inserted on its own: if its sequence is taken, another writer got there first and none of
    // the rest is inserted (a second writer always collides on its first event, since each appends after its head).
    private const string AppendEvents = """
        WITH events AS (
            SELECT * FROM unnest($3::bigint[], $4::text[], $5::bytea[], $6::timestamptz[], $7::text[], $8::text[], $9::bigint[],
                                 $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bytea[], $17::text[],
                                 $21::bytea[], $22::bytea[])
                AS e (sequence, event_type, payload, recorded_at, payment_id, ledger_kind, amount, currency, converted_amount,
                      converted_currency, method_brand, method_last4, channel, description, refund_id, audit_hash, audit_previous)
        ), head AS (
            INSERT INTO customer_events (customer_id, sequence, event_type, payload, recorded_at, payment_id, ledger_kind, amount, currency,
                converted_amount, converted_currency, method_brand, method_last4, channel, description, refund_id, audit_hash, audit_previous)
            SELECT $1, * FROM events WHERE sequence = $2 + 1
            ON CONFLICT (customer_id, sequence) DO NOTHING
            RETURNING sequence
        ), rest AS (
            INSERT INTO customer_events (customer_id, sequence, event_type, payload, recorded_at, payment_id, ledger_kind, amount, currency,
                converted_amount, converted_currency, method_brand, method_last4, channel, description, refund_id, audit_hash, audit_previous)
            SELECT $1, * FROM events WHERE sequence > $2 + 1 AND EXISTS (SELECT 1 FROM head)
        ), webhooks AS (
            -- The webhook outbox, in the same commit as the events: a committed event has its deliveries, a refused one none.
            INSERT INTO webhook_deliveries (endpoint_id, customer_id, sequence, event_type, recorded_at, next_attempt_at)
            SELECT endpoint.id, $1, e.sequence, e.event_type, e.recorded_at, e.recorded_at
            FROM events e JOIN webhook_endpoints endpoint ON endpoint.deleted_at IS NULL AND e.event_type = ANY (endpoint.journal_types)
            WHERE EXISTS (SELECT 1 FROM head)
        ), snapshot AS (
            INSERT INTO customer_snapshots (customer_id, sequence, payload, taken_at)
            SELECT $1, $18, $19, $20 WHERE $19::bytea IS NOT NULL AND EXISTS (SELECT 1 FROM head)
            ON CONFLICT (customer_id) DO UPDATE SET sequence = excluded.sequence, payload = excluded.payload, taken_at = excluded.taken_at
        )
        SELECT EXISTS (SELECT 1 FROM head)
        """;

    // A snapshot on its own is valid at its sequence whoever appended later; it only never replaces a newer one.
    private const string StoreSnapshot = """
        WITH stored AS (
            INSERT INTO customer_snapshots (customer_id, sequence, payload, taken_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (customer_id) DO UPDATE SET sequence = excluded.sequence, payload = excluded.payload, taken_at = excluded.taken_at
                WHERE customer_snapshots.sequence < excluded.sequence
        )
        SELECT true
        """;

    // One statement, so the snapshot and the events after it are read at one moment, with the key that opens them, and
    // the last audit entry's hash (through the partial index on audit rows), which the next audit entry links to. A
    // tombstone comes first (its erasure time in microseconds since 1970): an erased customer loads from it alone.
    private const string LoadCustomer = """
        SELECT -1, (extract(epoch FROM erased_at) * 1000000)::bigint, NULL::bytea, NULL FROM erased_customers WHERE customer_id = $1
        UNION ALL
        SELECT 0, 0::bigint, wrapped_key, master_key_id FROM customer_keys WHERE customer_id = $1
        UNION ALL
        SELECT 1, sequence, payload, NULL FROM customer_snapshots WHERE customer_id = $1
        UNION ALL
        SELECT 2, sequence, payload, NULL FROM customer_events
        WHERE customer_id = $1 AND sequence > coalesce((SELECT sequence FROM customer_snapshots WHERE customer_id = $1), 0)
        UNION ALL
        SELECT 3, sequence, audit_hash, NULL FROM (
            SELECT sequence, audit_hash FROM customer_events WHERE customer_id = $1 AND audit_hash IS NOT NULL ORDER BY sequence DESC LIMIT 1
        ) last_audit
        ORDER BY 1, 2
        """;

    private const string ReadAuditHead = """
        SELECT audit_hash FROM customer_events
        WHERE customer_id = $1 AND audit_hash IS NOT NULL AND sequence <= $2
        ORDER BY sequence DESC LIMIT 1
        """;

    // Retention deletes and rewrites only rows a snapshot covers (sequence <= $2), so no activation replays past a gap.
    private const string DeleteAgedRows = """
        DELETE FROM customer_events
        WHERE customer_id = $1 AND sequence <= $2
          AND ((event_type = $3 AND recorded_at < $4) OR (event_type = $5 AND recorded_at < $6))
        RETURNING event_type
        """;

    // The newest audit entry stays, whatever its age: the next entry links to it. The last one removed becomes the
    // anchor the kept trail is checked from.
    private const string DeleteAgedAuditEntries = """
        WITH removed AS (
            DELETE FROM customer_events
            WHERE customer_id = $1 AND sequence <= $2 AND audit_hash IS NOT NULL AND recorded_at < $3
              AND sequence < (SELECT max(sequence) FROM customer_events WHERE customer_id = $1 AND audit_hash IS NOT NULL)
            RETURNING sequence, audit_hash
        ), anchored AS (
            INSERT INTO audit_anchors (customer_id, sequence, hash, anchored_at)
            SELECT $1, sequence, audit_hash, $4 FROM removed ORDER BY sequence DESC LIMIT 1
            ON CONFLICT (customer_id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, anchored_at = excluded.anchored_at
                WHERE audit_anchors.sequence < excluded.sequence
        )
        SELECT count(*)::int FROM removed
        """;

    private const string SelectAgedPersonalData = """
        SELECT sequence, payload FROM customer_events
        WHERE customer_id = $1 AND sequence <= $2 AND event_type = ANY($3) AND recorded_at < $4 AND personal_data_removed_at IS NULL
        ORDER BY sequence
        """;

    private const string AnonymizeRow = """
        UPDATE customer_events SET payload = $3, description = NULL, personal_data_removed_at = $4
        WHERE customer_id = $1 AND sequence = $2
        """;

    // Walks the primary key in customer order, so a page stops early; no index is kept for it, so appends stay as cheap.
    private const string FindCustomersWithAgedData = """
        SELECT DISTINCT customer_id FROM customer_events
        WHERE customer_id > $1
          AND ((event_type = $2 AND recorded_at < $3) OR (event_type = $4 AND recorded_at < $5)
               OR (event_type = ANY($6) AND recorded_at < $7 AND personal_data_removed_at IS NULL)
               OR (audit_hash IS NOT NULL AND recorded_at < $9 AND EXISTS (SELECT 1 FROM customer_events later
                   WHERE later.customer_id = customer_events.customer_id AND later.audit_hash IS NOT NULL AND later.sequence > customer_events.sequence)))
          -- An erased customer's rows no longer open: nothing of them is left to remove.
          AND NOT EXISTS (SELECT 1 FROM erased_customers erased WHERE erased.customer_id = customer_events.customer_id)
        ORDER BY customer_id
        LIMIT $8
        """;

    /// <summary>The stored names of the event types that carry personal data beside money (<see cref="IHoldsPersonalData"/>).</summary>
    private static readonly string[] PersonalDataTypes = typeof(IHoldsPersonalData).Assembly.GetTypes()
        .Where(type => type.IsClass && !type.IsAbstract && typeof(IHoldsPersonalData).IsAssignableFrom(type))
        .Select(TypeName).Order(StringComparer.Ordinal).ToArray();

    public async Task<JournalLoad> Load(string customerId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(LoadCustomer);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var state = CustomerState.New;
        var sequence = 0L;
        var events = 0;
        var auditHead = AuditHead.Genesis;
        DataKey? key = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var part = reader.GetInt32(0);
            if (part == -1)
            {
                // Its key is gone: nothing after the tombstone could be opened, and nothing needs to be.
                keys.Forget(customerId);
                var erasedAt = DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(1) * (TimeSpan.TicksPerMillisecond / 1000));
                return new JournalLoad(CustomerState.New with { Erasure = ErasureState.Tombstone(erasedAt) }, 0, 0, AuditHead.Genesis);
            }
            var payload = reader.GetFieldValue<byte[]>(2);
            if (part == 0)
            {
                key = keys.Remember(customerId, reader.GetString(3), payload);
                continue;
            }
            if (part == 3)
            {
                auditHead = new AuditHead([.. payload]);
                continue;
            }
            sequence = reader.GetInt64(1);
            if (key is null)
            {
                throw new InvalidDataException($"The journal of {customerId} has rows but no data key to open them.");
            }
            if (part == 1)
            {
                state = serializer.Deserialize<CustomerState>(key.Open(SealedPurposes.Snapshot, sequence, payload))
                    ?? throw new InvalidDataException($"The snapshot of {customerId} holds no state.");
            }
            else
            {
                state = CustomerEvolution.Apply(state, Event(key, sequence, payload));
                events++;
            }
        }
        return new JournalLoad(state, sequence, events, auditHead);
    }

    public async Task<AuditHead> Append(
        string customerId, long after, IReadOnlyList<JournalEvent> events, CustomerState? snapshot, CancellationToken cancellationToken, AuditHead? auditHead = null)
    {
        // Created with the customer's first append and cached after it: no round trip in the steady state.
        var key = await keys.ForWriting(customerId, cancellationToken);
        var head = auditHead ?? await AuditHeadAt(customerId, after, cancellationToken);
        var (command, next) = events.Count == 0
            ? (SnapshotCommand(key, after, snapshot ?? throw new ArgumentException("Nothing to append.", nameof(snapshot))), head)
            : EventsCommand(key, after, events, snapshot, head);
        // A loser of a race (another activation had the sequence) gets no head: its chain is discarded with it.
        if (!await appender.Append(customerId, command) && events.Count > 0)
        {
            throw new InconsistentStateException(
                $"Customer {customerId} already has an event {after + 1}: another activation appended first.");
        }
        return next;
    }

    /// <summary>The audit head as of <paramref name="sequence"/>, for a writer that does not carry it.</summary>
    private async Task<AuditHead> AuditHeadAt(string customerId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(ReadAuditHead);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] hash ? new AuditHead([.. hash]) : AuditHead.Genesis;
    }

    public async Task Shred(IReadOnlyList<string> customerIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        string[] ids = [.. customerIds];
        foreach (var sql in (string[])[
            "INSERT INTO erased_customers (customer_id, erased_at) SELECT unnest($1::text[]), $2 ON CONFLICT (customer_id) DO NOTHING",
            "DELETE FROM customer_keys WHERE customer_id = ANY($1)",
            "DELETE FROM customer_snapshots WHERE customer_id = ANY($1)",
            // A card's last four digits, with its brand and the times of its payments, can point back at the holder;
            // the gateway's payment id is what accounting and disputes match on, so they go.
            "UPDATE customer_events SET method_last4 = NULL WHERE customer_id = ANY($1) AND method_last4 IS NOT NULL",
        ])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            if (sql.Contains("$2", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            }
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var id in ids)
        {
            keys.Forget(id);
        }
    }

    public async Task<JournalEvent?> Read(string customerId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT payload FROM customer_events WHERE customer_id = $1 AND sequence = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] payload
            ? Event(await KeyOf(customerId, cancellationToken), sequence, payload)
            : null;
    }

    public async Task<IReadOnlyList<JournalEvent>> ReadPayment(string customerId, string paymentId, long upTo, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT sequence, payload FROM customer_events WHERE customer_id = $1 AND payment_id = $2 AND sequence <= $3 ORDER BY sequence");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = paymentId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<JournalEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Event(await KeyOf(customerId, cancellationToken), reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }
        return events;
    }

    public async Task<IReadOnlyList<ConsentRecorded>> ReadConsents(string customerId, long upTo, CancellationToken cancellationToken) =>
        [.. (await ReadEvents(customerId, [typeof(ConsentRecorded)], upTo, cancellationToken)).Select(entry => entry.Event as ConsentRecorded
            ?? throw new InvalidDataException($"A consent row of {customerId} holds another event."))];

    public async Task<IReadOnlyList<JournalEntry>> ReadEvents(string customerId, IReadOnlyCollection<Type> types, long upTo, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"""
            SELECT sequence, payload FROM customer_events
            WHERE customer_id = $1 AND event_type IN ({JournalRows.SqlList(types)}) AND sequence <= $2
            ORDER BY sequence DESC
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequence = reader.GetInt64(0);
            events.Add(new JournalEntry(sequence, Event(await KeyOf(customerId, cancellationToken), sequence, reader.GetFieldValue<byte[]>(1))));
        }
        return events;
    }

    public async Task<AgedDataPurge> RemoveAgedData(string customerId, RetentionCutoffs cutoffs, long upTo, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (sightings, records) = (0, 0);
        await using (var delete = new NpgsqlCommand(DeleteAgedRows, connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TypeName(typeof(DeviceSeen)) });
            delete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.Sessions.ToUniversalTime() });
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TypeName(typeof(RequestAnswered)) });
            delete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.IdempotencyRecords.ToUniversalTime() });
            await using var deleted = await delete.ExecuteReaderAsync(cancellationToken);
            while (await deleted.ReadAsync(cancellationToken))
            {
                _ = deleted.GetString(0) == TypeName(typeof(DeviceSeen)) ? sightings++ : records++;
            }
        }

        int auditEntries;
        await using (var deleteAudit = new NpgsqlCommand(DeleteAgedAuditEntries, connection, transaction))
        {
            deleteAudit.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
            deleteAudit.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            deleteAudit.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.Audit.ToUniversalTime() });
            deleteAudit.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow().ToUniversalTime() });
            auditEntries = (int)(await deleteAudit.ExecuteScalarAsync(cancellationToken) ?? 0);
        }

        var aged = new List<(long Sequence, byte[] Payload)>();
        await using (var select = new NpgsqlCommand(SelectAgedPersonalData, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = PersonalDataTypes });
            select.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.MoneyEventPersonalData.ToUniversalTime() });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                aged.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
        }
        if (aged.Count > 0)
        {
            var key = await KeyOf(customerId, cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (sequence, payload) in aged)
            {
                var anonymous = Event(key, sequence, payload) is IHoldsPersonalData holding
                    ? holding.WithoutPersonalData()
                    : throw new InvalidDataException($"The event of {customerId} at {sequence} holds no personal data to remove.");
                var update = new NpgsqlBatchCommand(AnonymizeRow);
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
                update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key.Seal(SealedPurposes.Event, sequence, serializer.SerializeToArray(anonymous)) });
                update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow().ToUniversalTime() });
                batch.BatchCommands.Add(update);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new AgedDataPurge(sightings, records, aged.Count, auditEntries);
    }

    public async Task<IReadOnlyList<string>> CustomersWithAgedData(RetentionCutoffs cutoffs, string after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(FindCustomersWithAgedData);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TypeName(typeof(DeviceSeen)) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.Sessions.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TypeName(typeof(RequestAnswered)) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.IdempotencyRecords.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = PersonalDataTypes });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.MoneyEventPersonalData.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoffs.Audit.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var customers = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            customers.Add(reader.GetString(0));
        }
        return customers;
    }

    private JournalEvent Event(DataKey key, long sequence, byte[] payload) => JournalRows.Open(serializer, key, sequence, payload);

    private async ValueTask<DataKey> KeyOf(string customerId, CancellationToken cancellationToken) =>
        await keys.Find(customerId, cancellationToken) ?? throw new InvalidDataException($"{customerId} has journal rows but no data key to open them.");

    /// <summary>The stable name of an event type: its <c>[Alias]</c>, which survives renaming the type.</summary>
    public static string TypeName(Type eventType) => JournalRows.TypeName(eventType);

    private (NpgsqlBatchCommand Command, AuditHead Head) EventsCommand(DataKey key, long after, IReadOnlyList<JournalEvent> events, CustomerState? snapshot, AuditHead head)
    {
        var customerId = key.CustomerId;
        var count = events.Count;
        var sequences = new long[count];
        var types = new string[count];
        var payloads = new byte[count][];
        var recorded = new DateTimeOffset[count];
        var paymentIds = new string?[count];
        var kinds = new string?[count];
        var amounts = new long?[count];
        var currencies = new string?[count];
        var converted = new long?[count];
        var convertedCurrencies = new string?[count];
        var brands = new string?[count];
        var last4s = new string?[count];
        var channels = new string?[count];
        var descriptions = new byte[]?[count];
        var refundIds = new string?[count];
        var auditHashes = new byte[]?[count];
        var auditPrevious = new byte[]?[count];
        var previous = head.Hash;
        for (var i = 0; i < count; i++)
        {
            var change = events[i];
            sequences[i] = after + 1 + i;
            types[i] = TypeName(change.GetType());
            payloads[i] = key.Seal(SealedPurposes.Event, sequences[i], serializer.SerializeToArray(change));
            // timestamptz takes UTC only, in whole microseconds; the instant is what matters, not the offset it was
            // written with. Cut here, so the audit hash covers exactly what the row keeps.
            recorded[i] = AuditChain.Recorded(change.At);
            if (AuditEntries.KindOf(change.GetType()) is not null)
            {
                // Over the sealed bytes: anyone can check the chain without the customer's key, even after erasure.
                auditPrevious[i] = [.. previous];
                auditHashes[i] = AuditChain.Link(previous.AsSpan(), customerId, sequences[i], types[i], recorded[i], payloads[i]);
                previous = [.. auditHashes[i]!];
            }
            if (LedgerFacts.Of(change) is { } ledger)
            {
                paymentIds[i] = ledger.PaymentId;
                kinds[i] = ledger.Kind is { } kind ? LedgerFacts.KindText(kind) : null;
                amounts[i] = ledger.Amount;
                currencies[i] = ledger.Currency;
                converted[i] = ledger.ConvertedAmount;
                convertedCurrencies[i] = ledger.ConvertedCurrency;
                brands[i] = ledger.MethodBrand;
                last4s[i] = ledger.MethodLast4;
                channels[i] = ledger.Channel;
                descriptions[i] = ledger.Description is { } description
                    ? key.Seal(SealedPurposes.Description, sequences[i], System.Text.Encoding.UTF8.GetBytes(description))
                    : null;
                refundIds[i] = ledger.RefundId;
            }
        }

        var command = new NpgsqlBatchCommand(AppendEvents);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequences });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = recorded });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = paymentIds });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = amounts });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = currencies });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = converted });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = convertedCurrencies });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = brands });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = last4s });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = channels });
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = descriptions });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = refundIds });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after + count });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = snapshot is null ? DBNull.Value : key.Seal(SealedPurposes.Snapshot, after + count, serializer.SerializeToArray(snapshot)),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea,
        });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = auditHashes });
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = auditPrevious });
        return (command, new AuditHead(previous));
    }

    private NpgsqlBatchCommand SnapshotCommand(DataKey key, long sequence, CustomerState snapshot)
    {
        var command = new NpgsqlBatchCommand(StoreSnapshot);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.CustomerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key.Seal(SealedPurposes.Snapshot, sequence, serializer.SerializeToArray(snapshot)) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        return command;
    }
}
