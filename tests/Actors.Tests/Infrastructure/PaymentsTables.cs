using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>Reads the ledger and the sandbox gateway's charges straight from PostgreSQL, to check what really happened.</summary>
public sealed class PaymentsTables(string connectionString)
{
    public async Task<IReadOnlyList<(string Kind, long Amount, long ConvertedAmount)>> LedgerOf(string paymentId)
    {
        var rows = new List<(string, long, long)>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT kind, amount, converted_amount FROM ledger WHERE payment_id = @id ORDER BY created_at, kind", connection);
        command.Parameters.AddWithValue("id", paymentId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return rows;
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

    /// <summary>How many charges the sandbox gateway holds for one customer.</summary>
    public Task<long> ChargesOf(string customerId) =>
        Scalar("SELECT count(*) FROM sandbox_charges WHERE customer_id = @id", ("id", customerId));

    /// <summary>The sum of one kind of ledger entry for one customer, in the caps' currency.</summary>
    public Task<long> LedgerSum(string customerId, string kind) =>
        Scalar("SELECT coalesce(sum(converted_amount), 0) FROM ledger WHERE customer_id = @id AND kind = @kind", ("id", customerId), ("kind", kind));
}
