using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>Reads the journal's ledger rows and the sandbox gateway's charges straight from PostgreSQL, to check what really happened.</summary>
public sealed class StoredData(string connectionString)
{
    /// <summary>A payment's ledger rows in order; an outcome shows the amounts of the payment it settles.</summary>
    public async Task<IReadOnlyList<(string Kind, long Amount, long ConvertedAmount)>> LedgerOf(string paymentId)
    {
        var rows = new List<(string, long, long)>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT e.ledger_kind, coalesce(e.amount, a.amount), coalesce(e.converted_amount, a.converted_amount) FROM customer_events e
            JOIN customer_events a ON a.customer_id = e.customer_id AND a.payment_id = e.payment_id AND a.ledger_kind = 'authorized'
            WHERE e.payment_id = @id AND e.ledger_kind IS NOT NULL ORDER BY e.sequence
            """, connection);
        command.Parameters.AddWithValue("id", paymentId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return rows;
    }

    /// <summary>Runs one statement (a test changing a stored row behind the platform's back) and says how many rows it touched.</summary>
    public async Task<int> Execute(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteNonQueryAsync();
    }

    public Task<long> Scalar(string sql, params (string Name, object Value)[] parameters) => Query<long>(sql, parameters);

    public async Task<T> Query<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    /// <summary>How many events one customer's journal holds: proof a change reached PostgreSQL, or that a refused one did not.</summary>
    public Task<long> EventsOf(string customerId) =>
        Scalar("SELECT count(*) FROM customer_events WHERE customer_id = @id", ("id", customerId));

    /// <summary>How many journal events all customers have: unchanged proves a refused request stored nothing.</summary>
    public Task<long> AllEvents() => Scalar("SELECT count(*) FROM customer_events");

    /// <summary>Every stored version of one catalog item, oldest first: a change adds a row, nothing is updated.</summary>
    public async Task<IReadOnlyList<(long Version, string Name, long UnitPrice, string Currency, bool Active)>> CatalogVersionsOf(string sku)
    {
        var rows = new List<(long, string, long, string, bool)>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT version, name, unit_price, currency, active FROM catalog_items WHERE sku = @sku ORDER BY version", connection);
        command.Parameters.AddWithValue("sku", sku);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetBoolean(4)));
        }
        return rows;
    }

    /// <summary>What the sandbox gateway charged for one payment, in minor units.</summary>
    public Task<long> ChargedAmountOf(string paymentId) =>
        Scalar("SELECT amount FROM sandbox_charges WHERE payment_id = @id", ("id", paymentId));

    /// <summary>How many charges the sandbox gateway holds for one customer.</summary>
    public Task<long> ChargesOf(string customerId) =>
        Scalar("SELECT count(*) FROM sandbox_charges WHERE customer_id = @id", ("id", customerId));

    /// <summary>What the journal says one customer spent: the reservations of its succeeded payments, in the caps' currency.</summary>
    public Task<long> SucceededSum(string customerId) => Scalar("""
        SELECT coalesce(sum(a.converted_amount), 0)::bigint FROM customer_events a
        WHERE a.customer_id = @id AND a.ledger_kind = 'authorized' AND EXISTS (
            SELECT 1 FROM customer_events o WHERE o.customer_id = a.customer_id AND o.payment_id = a.payment_id AND o.ledger_kind = 'succeeded')
        """, ("id", customerId));

    /// <summary>The ids of one customer's payments the journal holds succeeded.</summary>
    public async Task<IReadOnlyList<string>> SucceededPaymentsOf(string customerId)
    {
        var ids = await Query<string>("""
            SELECT coalesce(string_agg(payment_id, ' ' ORDER BY payment_id), '') FROM customer_events
            WHERE customer_id = @id AND ledger_kind = 'succeeded'
            """, ("id", customerId));
        return ids.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>What the journal says was refunded to one customer, in the payments' currency.</summary>
    public Task<long> RefundedSum(string customerId) => Scalar(
        "SELECT coalesce(sum(amount), 0)::bigint FROM customer_events WHERE customer_id = @id AND ledger_kind = 'refunded'", ("id", customerId));

    /// <summary>The types of one customer's journal events in order, e.g. <c>cart-line-set-v1</c>: what each change appended.</summary>
    public async Task<IReadOnlyList<string>> EventTypesOf(string customerId)
    {
        var types = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT event_type FROM customer_events WHERE customer_id = @id ORDER BY sequence", connection);
        command.Parameters.AddWithValue("id", customerId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }
        return types;
    }

    /// <summary>How many refunds the sandbox gateway made of one payment.</summary>
    public Task<long> GatewayRefundsOf(string paymentId) =>
        Scalar("SELECT count(*) FROM sandbox_refunds WHERE payment_id = @id", ("id", paymentId));

    /// <summary>How much the sandbox gateway refunded of one payment.</summary>
    public Task<long> GatewayRefundedOf(string paymentId) =>
        Scalar("SELECT coalesce(sum(amount), 0)::bigint FROM sandbox_refunds WHERE payment_id = @id", ("id", paymentId));

    /// <summary>The newest payment one customer's journal has reserved, or null while there is none.</summary>
    public async Task<string?> PaymentReservedOf(string customerId)
    {
        var id = await Query<string>("""
            SELECT coalesce(max(payment_id) FILTER (WHERE sequence = (SELECT max(sequence) FROM customer_events
                WHERE customer_id = @id AND ledger_kind = 'authorized')), '')
            FROM customer_events WHERE customer_id = @id AND ledger_kind = 'authorized'
            """, ("id", customerId));
        return id.Length == 0 ? null : id;
    }

    /// <summary>How many of one customer's payments the journal holds reserved and not yet settled, declined or released.</summary>
    public Task<long> OpenPaymentsOf(string customerId) => Scalar("""
        SELECT count(*) FROM customer_events a WHERE a.customer_id = @id AND a.ledger_kind = 'authorized' AND NOT EXISTS (
            SELECT 1 FROM customer_events o WHERE o.customer_id = a.customer_id AND o.payment_id = a.payment_id
              AND o.ledger_kind IN ('succeeded', 'declined', 'released'))
        """, ("id", customerId));
}
