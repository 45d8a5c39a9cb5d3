using System.Runtime.CompilerServices;
using System.Text;
using Actors.Grains.Hosting;
using Actors.Grains.Privacy;
using Npgsql;

namespace Actors.Api.Payments;

/// <summary>A payment as the journal's ledger rows tell it: its reservation (<c>authorized</c>), its outcome, and what was refunded.</summary>
public sealed record PaymentRecord(
    string Id,
    string Status,
    long Amount,
    string Currency,
    long ConvertedAmount,
    string ConvertedCurrency,
    long RefundedAmount,
    string? MethodBrand,
    string? MethodLast4,
    string Channel,
    string Description,
    DateTimeOffset CreatedAt);

/// <summary>One ledger row of a payment; <see cref="RefundId"/> is set on refunds.</summary>
public sealed record PaymentEvent(string Kind, long Amount, string Currency, string? RefundId, DateTimeOffset At);

/// <summary>Search filters; every one is optional. Dates are from (inclusive) and to (exclusive), amounts inclusive.</summary>
public sealed record PaymentQuery(
    string? Status,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    long? AmountMin,
    long? AmountMax,
    string? Channel,
    string? Text)
{
    /// <summary>No filter: every payment.</summary>
    public static PaymentQuery Everything { get; } = new(null, null, null, null, null, null, null);
}

/// <summary>
/// Reads payment history from the customer journal's ledger rows, never from grains: one customer's payments newest
/// first, through the partial index on their reservations (<c>authorized</c>), with keyset pagination. A customer's
/// history is that of every id in <c>customers</c>: its own and those of the customers merged into it. Descriptions are
/// sealed with their customer's data key, so they are opened here and the text search runs on what they say.
/// </summary>
public sealed class PaymentHistory(NpgsqlDataSource database, CustomerKeys keys)
{
    /// <summary>How many payments a text search opens per page it reads, at least.</summary>
    private const int SearchBatch = 100;

    public static readonly IReadOnlyList<string> Statuses = ["pending", "succeeded", "declined", "released", "refunded", "partially_refunded"];

    // The reservation carries what was paid; the outcome and refunds come from the payment's other ledger rows.
    private const string Payments = """
        SELECT * FROM (
            SELECT a.payment_id, a.amount, a.currency, a.converted_amount, a.converted_currency,
                   coalesce(r.refunded, 0) AS refunded, a.method_brand, a.method_last4, a.channel, a.description, a.recorded_at AS created_at,
                   CASE WHEN o.kind IS NULL THEN 'pending'
                        WHEN o.kind <> 'succeeded' THEN o.kind
                        WHEN coalesce(r.refunded, 0) = 0 THEN 'succeeded'
                        WHEN r.refunded < a.amount THEN 'partially_refunded'
                        ELSE 'refunded' END AS status,
                   a.customer_id, a.sequence, k.master_key_id, k.wrapped_key
            FROM customer_events a
            LEFT JOIN customer_keys k ON k.customer_id = a.customer_id
            LEFT JOIN LATERAL (SELECT ledger_kind AS kind FROM customer_events
                               WHERE customer_id = a.customer_id AND payment_id = a.payment_id
                                 AND ledger_kind IN ('succeeded', 'declined', 'released') LIMIT 1) o ON true
            LEFT JOIN LATERAL (SELECT sum(amount)::bigint AS refunded FROM customer_events
                               WHERE customer_id = a.customer_id AND payment_id = a.payment_id AND ledger_kind = 'refunded') r ON true
            WHERE {3} AND a.ledger_kind = 'authorized' {0}
        ) p
        {1}
        ORDER BY created_at DESC, payment_id DESC
        {2}
        """;

    /// <summary>Up to <paramref name="limit"/> payments after the cursor, and whether there are more.</summary>
    public async Task<(IReadOnlyList<PaymentRecord> Page, bool HasMore)> Search(
        IReadOnlyList<string> customers, PaymentQuery query, int limit, (DateTimeOffset CreatedAt, string PaymentId)? after, CancellationToken cancellationToken)
    {
        var page = new List<PaymentRecord>(limit + 1);
        await foreach (var payment in Read(customers, query, after, limit + 1, cancellationToken))
        {
            page.Add(payment);
        }
        var hasMore = page.Count > limit;
        return (hasMore ? page[..limit] : page, hasMore);
    }

    /// <summary>Every matching payment, streamed row by row (for the CSV export).</summary>
    public IAsyncEnumerable<PaymentRecord> All(IReadOnlyList<string> customers, PaymentQuery query, CancellationToken cancellationToken) =>
        Read(customers, query, after: null, limit: null, cancellationToken);

    /// <summary>The cursor position of a payment of this customer; null when it is not one.</summary>
    public async Task<(DateTimeOffset CreatedAt, string PaymentId)?> Position(IReadOnlyList<string> customers, string paymentId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT recorded_at FROM customer_events WHERE customer_id = ANY(@customers) AND payment_id = @payment AND ledger_kind = 'authorized'");
        command.Parameters.AddWithValue("customers", customers.ToArray());
        command.Parameters.AddWithValue("payment", paymentId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at
            ? (new DateTimeOffset(at, TimeSpan.Zero), paymentId)
            : null;
    }

    public async Task<(PaymentRecord Payment, IReadOnlyList<PaymentEvent> Events)?> Receipt(IReadOnlyList<string> customers, string paymentId, CancellationToken cancellationToken)
    {
        PaymentRecord? payment = null;
        await foreach (var found in Read(customers, PaymentQuery.Everything, null, 1, cancellationToken, paymentId))
        {
            payment = found;
        }
        if (payment is null)
        {
            return null;
        }

        var events = new List<PaymentEvent>();
        // Outcome rows name only their kind: they show the amount of the payment they settle.
        await using var command = database.CreateCommand("""
            SELECT ledger_kind, coalesce(amount, @amount), coalesce(currency, @currency), refund_id, recorded_at FROM customer_events
            WHERE customer_id = ANY(@customers) AND payment_id = @payment AND ledger_kind IS NOT NULL ORDER BY sequence
            """);
        command.Parameters.AddWithValue("amount", payment.Amount);
        command.Parameters.AddWithValue("currency", payment.Currency);
        command.Parameters.AddWithValue("customers", customers.ToArray());
        command.Parameters.AddWithValue("payment", paymentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new PaymentEvent(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero)));
        }
        return (payment, events);
    }

    /// <summary>
    /// Every ledger row of every payment of <paramref name="customers"/>, by payment, in order: one query for a whole
    /// export instead of one per payment. Outcome rows show the amount of the payment they settle, as on a receipt.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PaymentEvent>>> Ledger(IReadOnlyList<string> customers, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT e.payment_id, e.ledger_kind, coalesce(e.amount, a.amount), coalesce(e.currency, a.currency), e.refund_id, e.recorded_at
            FROM customer_events e
            JOIN customer_events a ON a.customer_id = e.customer_id AND a.payment_id = e.payment_id AND a.ledger_kind = 'authorized'
            WHERE e.customer_id = ANY(@customers) AND e.ledger_kind IS NOT NULL
            ORDER BY e.customer_id, e.sequence
            """);
        command.Parameters.AddWithValue("customers", customers.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ledger = new Dictionary<string, List<PaymentEvent>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var paymentId = reader.GetString(0);
            if (!ledger.TryGetValue(paymentId, out var events))
            {
                ledger[paymentId] = events = [];
            }
            events.Add(new PaymentEvent(reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero)));
        }
        return ledger.ToDictionary(entry => entry.Key, entry => (IReadOnlyList<PaymentEvent>)entry.Value);
    }

    /// <summary>
    /// The matching payments after the cursor, newest first. A text search cannot be asked of PostgreSQL (it holds the
    /// descriptions sealed): it reads the payments a page at a time, keeps those whose opened description matches, and
    /// goes on from the last one read until <paramref name="limit"/> matched or the payments end.
    /// </summary>
    private async IAsyncEnumerable<PaymentRecord> Read(
        IReadOnlyList<string> customers, PaymentQuery query, (DateTimeOffset CreatedAt, string PaymentId)? after, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken, string? paymentId = null)
    {
        if (query.Text is not { Length: > 0 } text)
        {
            await foreach (var payment in ReadRows(customers, query, after, limit, cancellationToken, paymentId))
            {
                yield return payment;
            }
            yield break;
        }

        var batch = Math.Max(SearchBatch, 4 * (limit ?? SearchBatch));
        var matched = 0;
        var cursor = after;
        while (true)
        {
            var read = 0;
            await foreach (var payment in ReadRows(customers, query, cursor, batch, cancellationToken, paymentId))
            {
                read++;
                cursor = (payment.CreatedAt, payment.Id);
                if (payment.Description.Contains(text, StringComparison.OrdinalIgnoreCase))
                {
                    yield return payment;
                    if (++matched == limit)
                    {
                        yield break;
                    }
                }
            }
            if (read < batch)
            {
                yield break;
            }
        }
    }

    private async IAsyncEnumerable<PaymentRecord> ReadRows(
        IReadOnlyList<string> customers, PaymentQuery query, (DateTimeOffset CreatedAt, string PaymentId)? after, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken, string? paymentId)
    {
        await using var command = database.CreateCommand();
        command.Parameters.AddWithValue("customers", customers.ToArray());
        var anchor = new StringBuilder();
        void Where(string clause, string name, object value)
        {
            anchor.Append(" AND ").Append(clause);
            command.Parameters.AddWithValue(name, value);
        }

        if (paymentId is not null)
        {
            Where("a.payment_id = @payment", "payment", paymentId);
        }
        if (query.CreatedFrom is { } from)
        {
            Where("a.recorded_at >= @from", "from", from.ToUniversalTime());
        }
        if (query.CreatedTo is { } to)
        {
            Where("a.recorded_at < @to", "to", to.ToUniversalTime());
        }
        if (query.AmountMin is { } min)
        {
            Where("a.amount >= @min", "min", min);
        }
        if (query.AmountMax is { } max)
        {
            Where("a.amount <= @max", "max", max);
        }
        if (query.Channel is { } channel)
        {
            Where("a.channel = @channel", "channel", channel);
        }
        if (after is { } cursor)
        {
            Where("(a.recorded_at, a.payment_id) < (@after_at, @after_id)", "after_at", cursor.CreatedAt.ToUniversalTime());
            command.Parameters.AddWithValue("after_id", cursor.PaymentId);
        }
        var outer = "";
        if (query.Status is { } status)
        {
            outer = "WHERE status = @status";
            command.Parameters.AddWithValue("status", status);
        }
        // One id (no merges) keeps the plain equality, whose index scan already gives the newest first.
        var whose = customers.Count == 1 ? "a.customer_id = @customer" : "a.customer_id = ANY(@customers)";
        command.Parameters.AddWithValue("customer", customers[0]);
        command.CommandText = string.Format(Payments, anchor, outer, limit is { } n ? $"LIMIT {n}" : "", whose);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PaymentRecord(
                reader.GetString(0), reader.GetString(11), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8),
                reader.IsDBNull(9) ? "" : Description(reader.GetString(12), reader.GetInt64(13), reader.GetFieldValue<byte[]>(9),
                    reader.IsDBNull(14) ? null : (reader.GetString(14), reader.GetFieldValue<byte[]>(15))),
                new DateTimeOffset(reader.GetDateTime(10), TimeSpan.Zero));
        }
    }

    /// <summary>
    /// A payment's description, opened with the key row read in the same statement; empty when that statement found no
    /// key (the customer was erased; above: when retention removed it), and the key this process may still cache is dropped. So no page read after an
    /// erasure committed opens anything, whatever any cache holds.
    /// </summary>
    private string Description(string customerId, long sequence, byte[] sealedDescription, (string MasterKeyId, byte[] Wrapped)? keyRow)
    {
        if (keyRow is not { } row)
        {
            keys.Forget(customerId);
            return "";
        }
        return Encoding.UTF8.GetString(keys.Remember(customerId, row.MasterKeyId, row.Wrapped).Open(SealedPurposes.Description, sequence, sealedDescription));
    }
}

public static class PaymentHistoryHosting
{
    public static IServiceCollection AddPaymentHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(PostgresConnection.ForDataSource(configuration.PostgresConnectionString())));
        // History opens sealed descriptions, and identity lookups hash identifiers: the same keys as the silos'.
        services.AddActorsPrivacy(provider => provider.GetRequiredService<NpgsqlDataSource>());
        services.AddSingleton<PaymentHistory>();
        services.AddSingleton<Privacy.JournalReader>();
        return services;
    }
}
