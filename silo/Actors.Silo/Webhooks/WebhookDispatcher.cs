using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Grains.Webhooks;
using Actors.Silo.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Silo.Webhooks;

/// <summary>
/// Sends webhooks, on every silo. Each round it claims the due head of each (endpoint, customer): the oldest undelivered
/// event, so a failing event holds back that customer's later events for that endpoint and nobody else's. A claim is a
/// lease (the row's next attempt moves past the attempt's timeout) taken with <c>SKIP LOCKED</c>, so silos share the
/// work without sending one event twice at once; a silo that dies mid-delivery leaves a lease that runs out, and another
/// silo sends the event again, with the same id. The body is built here, from the event opened with the customer's key,
/// and signed with the endpoint's secret, opened in memory for the attempt; a secret that does not open sends nothing.
/// </summary>
public sealed partial class WebhookDispatcher(
    SiloDatabase database, ICustomerJournal journal, WebhookSecrets secrets, IHttpClientFactory http, IOptions<WebhookSettings> options,
    TimeProvider clock, IMeterFactory meters, ILogger<WebhookDispatcher> log) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    // The head of a pair is its lowest undelivered sequence; only a due head is taken, and re-checked once locked (a
    // claim or delivery by another silo meanwhile is seen then), so a pair is never in flight twice.
    private const string Claim = """
        WITH heads AS (
            SELECT DISTINCT ON (endpoint_id, customer_id) endpoint_id, customer_id, sequence
            FROM webhook_deliveries WHERE delivered_at IS NULL
            ORDER BY endpoint_id, customer_id, sequence
        ), due AS (
            SELECT d.endpoint_id, d.customer_id, d.sequence
            FROM webhook_deliveries d JOIN heads h USING (endpoint_id, customer_id, sequence)
            WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $1
              AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.deleted_at IS NULL)
            ORDER BY d.next_attempt_at
            LIMIT $3
            FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2, last_attempt_at = $1
        FROM due, webhook_endpoints e
        WHERE d.endpoint_id = due.endpoint_id AND d.customer_id = due.customer_id AND d.sequence = due.sequence AND e.id = d.endpoint_id
        RETURNING d.endpoint_id, d.customer_id, d.sequence, d.attempts, e.url, e.secret_key_id, e.secret_sealed
        """;

    // Only the attempt that holds the claim records its outcome: a late answer after the lease ran out changes nothing.
    private const string Record = """
        UPDATE webhook_deliveries
        SET delivered_at = $5, last_status = $6, last_error = $7, next_attempt_at = coalesce($8, next_attempt_at)
        WHERE endpoint_id = $1 AND customer_id = $2 AND sequence = $3 AND attempts = $4 AND delivered_at IS NULL
        """;

    private readonly WebhookSettings settings = options.Value;
    private readonly Counter<long> deliveries = meters.Create(PaymentMetrics.MeterName)
        .CreateCounter<long>("actors.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, failed, timed_out, unreadable, secret_unreadable).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PollEvery, clock);
        // Deliveries run on their own, so a slow receiver holds only its own (endpoint, customer), never the next round.
        var inFlight = new ConcurrentDictionary<Task, bool>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = settings.MaxInFlight - inFlight.Count;
                if (room > 0)
                {
                    foreach (var delivery in await ClaimDue(room, stoppingToken))
                    {
                        var sending = DeliverOrLog(delivery, stoppingToken);
                        inFlight[sending] = true;
                        _ = sending.ContinueWith(done => inFlight.TryRemove(done, out _), CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(log, exception);
            }
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // A stop lets the attempts under way record their answers; what is cut off is sent again when its lease runs out.
        await Task.WhenAll(inFlight.Keys);
    }

    private async Task<List<Claimed>> ClaimDue(int limit, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = database.DataSource.CreateCommand(Claim);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        // The lease outlasts the attempt's timeout, so only a dead silo's claim runs out.
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + settings.Timeout * 2 });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<Claimed>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Claimed(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4),
                new SealedWebhookSecret(reader.GetString(5), reader.GetFieldValue<byte[]>(6))));
        }
        return claimed;
    }

    private async Task DeliverOrLog(Claimed delivery, CancellationToken cancellationToken)
    {
        try
        {
            await Deliver(delivery, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease sends it again, from this silo or another.
        }
        catch (Exception exception)
        {
            LogDeliveryFailed(log, delivery.EndpointId, delivery.Sequence, exception);
        }
    }

    private async Task Deliver(Claimed delivery, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = secrets.Open(delivery.EndpointId, delivery.Secret);
        }
        catch (InvalidDataException exception)
        {
            // Changed, copied from another endpoint, or under a master key no longer configured: signing with anything else
            // would send what the receiver must refuse, so nothing is sent. It stays pending (a restored key or row
            // delivers it) and the log says why.
            deliveries.Add(1, Outcome("secret_unreadable"));
            LogSecretUnreadable(log, delivery.EndpointId, exception);
            await Save(delivery, delivered: false, status: null, $"Not sent: the endpoint's secret does not open. {exception.Message}", RetryAt(delivery.Attempts));
            return;
        }
        string? body;
        try
        {
            body = await Body(delivery.CustomerId, delivery.Sequence, cancellationToken);
        }
        catch (InvalidDataException)
        {
            body = null;
        }
        if (body is null)
        {
            // Erased (its key is gone) or never deliverable: nothing can be sent, and waiting changes nothing.
            deliveries.Add(1, Outcome("unreadable"));
            await Save(delivery, delivered: true, status: null, error: "The event can no longer be read (the customer was erased).", retryAt: null);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secret, clock.GetUtcNow(), body));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                deliveries.Add(1, Outcome("delivered"));
                await Save(delivery, delivered: true, status, error: null, retryAt: null);
            }
            else
            {
                deliveries.Add(1, Outcome("failed"));
                await Save(delivery, delivered: false, status, $"The receiver answered {status}.", RetryAt(delivery.Attempts));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            deliveries.Add(1, Outcome("timed_out"));
            await Save(delivery, delivered: false, status: null, $"No answer within {settings.Timeout.TotalSeconds:0.###} s.", RetryAt(delivery.Attempts));
        }
        catch (HttpRequestException exception)
        {
            deliveries.Add(1, Outcome("failed"));
            await Save(delivery, delivered: false, status: null, $"The request failed: {exception.HttpRequestError}.", RetryAt(delivery.Attempts));
        }
    }

    /// <summary>The webhook body of the event at <paramref name="sequence"/>, with its payment as of that event when it concerns one.</summary>
    private async Task<string?> Body(string customerId, long sequence, CancellationToken cancellationToken)
    {
        if (await journal.Read(customerId, sequence, cancellationToken) is not { } change)
        {
            return null;
        }
        Payment? payment = null;
        if (PaymentLife.PaymentIdOf(change) is { } paymentId)
        {
            foreach (var step in await journal.ReadPayment(customerId, paymentId, sequence, cancellationToken))
            {
                payment = PaymentLife.Apply(payment, step);
            }
        }
        return WebhookPayload.Of(customerId, sequence, change, payment);
    }

    private DateTimeOffset RetryAt(int attempts) =>
        clock.GetUtcNow() + WebhookBackoff.Delay(attempts, settings.FirstRetryDelay, settings.MaxRetryDelay, Random.Shared.NextDouble());

    private async Task Save(Claimed delivery, bool delivered, int? status, string? error, DateTimeOffset? retryAt)
    {
        // Not cancelled with the silo's stop: an answer received is recorded, or the lease sends the event again.
        await using var command = database.DataSource.CreateCommand(Record);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = delivery.EndpointId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = delivery.CustomerId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delivery.Sequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = delivery.Attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = delivered ? clock.GetUtcNow() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = status is { } code ? code : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = error is null ? DBNull.Value : error, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = retryAt is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);

    private sealed record Claimed(string EndpointId, string CustomerId, long Sequence, int Attempts, string Url, SealedWebhookSecret Secret);

    [LoggerMessage(Level = LogLevel.Error, Message = "The secret of webhook endpoint {EndpointId} does not open; nothing is sent to it until it does")]
    private static partial void LogSecretUnreadable(ILogger logger, string endpointId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook delivery to {EndpointId} (event {Sequence}) could not be recorded; its lease sends it again")]
    private static partial void LogDeliveryFailed(ILogger logger, string endpointId, long sequence, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook delivery round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
