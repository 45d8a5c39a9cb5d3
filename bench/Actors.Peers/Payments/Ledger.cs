using Npgsql;

namespace Actors.Peers.Payments;

/// <summary>One row of the append-only payment history, in the platform's ledger columns.</summary>
public sealed record LedgerRow(
    string PaymentId, string CustomerId, string Kind, long Amount, string Currency,
    string? MethodBrand, string? MethodLast4, string Channel, string Description, DateTimeOffset CreatedAt);

public static class Ledger
{
    /// <summary>Inserts the rows in one statement, inside the caller's transaction.</summary>
    public static async Task Append(NpgsqlConnection connection, NpgsqlTransaction transaction, params LedgerRow[] rows)
    {
        // Eleven parameters a row; the converted amount and currency are the amount and currency (no conversion here).
        var values = string.Join(", ", rows.Select((_, i) =>
        {
            var p = i * 11;
            return $"(${p + 1}, ${p + 2}, ${p + 3}, ${p + 4}, ${p + 5}, ${p + 6}, ${p + 5}, ${p + 6}, ${p + 7}, ${p + 8}, ${p + 9}, ${p + 10}, ${p + 11})";
        }));
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO ledger (entry_id, payment_id, customer_id, kind, amount, currency, converted_amount,
                                converted_currency, method_brand, method_last4, channel, description, created_at)
            VALUES {values}
            """, connection, transaction);
        foreach (var row in rows)
        {
            insert.Parameters.Add(new() { Value = PeerIds.New(PeerIds.LedgerEntry) });
            insert.Parameters.Add(new() { Value = row.PaymentId });
            insert.Parameters.Add(new() { Value = row.CustomerId });
            insert.Parameters.Add(new() { Value = row.Kind });
            insert.Parameters.Add(new() { Value = row.Amount });
            insert.Parameters.Add(new() { Value = row.Currency });
            insert.Parameters.Add(new() { Value = (object?)row.MethodBrand ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = (object?)row.MethodLast4 ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = row.Channel });
            insert.Parameters.Add(new() { Value = row.Description });
            insert.Parameters.Add(new() { Value = row.CreatedAt });
        }
        await insert.ExecuteNonQueryAsync();
    }
}
