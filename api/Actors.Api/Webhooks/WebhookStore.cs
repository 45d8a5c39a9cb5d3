using Actors.Grains;
using Actors.Grains.Webhooks;
using Npgsql;

namespace Actors.Api.Webhooks;

/// <summary>An endpoint as operators see it: never its secret.</summary>
public sealed record WebhookEndpoint(string Id, string Url, string[] Events, DateTimeOffset CreatedAt);

/// <summary>One event's delivery to one endpoint, as the log shows it.</summary>
public sealed record WebhookDelivery(
    string EndpointId, string CustomerId, long Sequence, string JournalType, DateTimeOffset RecordedAt, int Attempts, DateTimeOffset NextAttemptAt,
    DateTimeOffset? LastAttemptAt, int? LastStatus, string? LastError, DateTimeOffset? DeliveredAt);

/// <summary>
/// Endpoints and the delivery log in PostgreSQL (<c>webhook_endpoints</c>, <c>webhook_deliveries</c>). The deliveries
/// themselves are written by the journal's append and sent by the silos; here they are only read, and replayed. An
/// endpoint's secret is stored only sealed for it (<see cref="WebhookSecrets"/>) and never read back here.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource database, WebhookSecrets secrets)
{
    public const string IdPrefix = "we_";

    private const string DeliveryColumns =
        "endpoint_id, customer_id, sequence, event_type, recorded_at, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at";

    /// <summary>Registers <paramref name="draft"/>; null when a live endpoint already has its URL (nothing is stored then).</summary>
    public async Task<WebhookEndpoint?> Register(WebhookDraft draft, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO webhook_endpoints (id, url, events, journal_types, secret_key_id, secret_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (url) WHERE deleted_at IS NULL DO NOTHING
            RETURNING id
            """);
        var id = RandomIds.New(IdPrefix);
        var events = draft.Events.ToArray();
        var secret = secrets.Seal(id, draft.Secret);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = draft.Url.AbsoluteUri });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = WebhookEvents.JournalTypes(events) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret.MasterKeyId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = secret.Sealed });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await command.ExecuteScalarAsync(cancellationToken) is string
            ? new WebhookEndpoint(id, draft.Url.AbsoluteUri, events, now)
            : null;
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> List(CancellationToken cancellationToken) =>
        await Endpoints("SELECT id, url, events, created_at FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id", null, cancellationToken);

    public async Task<WebhookEndpoint?> Get(string id, CancellationToken cancellationToken) =>
        (await Endpoints("SELECT id, url, events, created_at FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL", id, cancellationToken))
            .SingleOrDefault();

    /// <summary>Stops every delivery to the endpoint, those pending included; false when there is no such live endpoint.</summary>
    public async Task<bool> Delete(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> deliveries of the endpoint, newest event first, after <paramref name="after"/>
    /// (customer and sequence of the last one of the previous page) when given.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> Deliveries(string endpointId, (string CustomerId, long Sequence)? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {DeliveryColumns} FROM webhook_deliveries d
            WHERE endpoint_id = $1
              AND ($2::text IS NULL OR (recorded_at, customer_id, sequence) <
                  (SELECT recorded_at, customer_id, sequence FROM webhook_deliveries WHERE endpoint_id = $1 AND customer_id = $2 AND sequence = $3))
            ORDER BY recorded_at DESC, customer_id DESC, sequence DESC
            LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.CustomerId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after?.Sequence ?? 0 });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await Deliveries(command, cancellationToken);
    }

    public async Task<WebhookDelivery?> Delivery(string endpointId, string customerId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = $1 AND customer_id = $2 AND sequence = $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        return (await Deliveries(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// Sends a delivered event again, at once and with the same id: it becomes pending, so it goes before any later event
    /// of its customer still waiting. Null when it is not delivered (pending already, or no such delivery).
    /// </summary>
    public async Task<WebhookDelivery?> Replay(string endpointId, string customerId, long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            UPDATE webhook_deliveries SET delivered_at = NULL, next_attempt_at = $4
            WHERE endpoint_id = $1 AND customer_id = $2 AND sequence = $3 AND delivered_at IS NOT NULL
            RETURNING {DeliveryColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return (await Deliveries(command, cancellationToken)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<WebhookEndpoint>> Endpoints(string sql, string? id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        if (id is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<WebhookEndpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(new WebhookEndpoint(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return endpoints;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> Deliveries(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<WebhookDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new WebhookDelivery(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }
        return deliveries;
    }
}
