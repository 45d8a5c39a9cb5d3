using Actors.Grains.Payments;
using Npgsql;
using NpgsqlTypes;

namespace Actors.Silo.Payments;

/// <summary>Appends ledger entries in one round trip; an entry already there (a retry, an outbox flushed twice) is left as it is.</summary>
public sealed class PostgresLedger(PaymentsDataSource database) : ILedger
{
    private const string Insert = """
        INSERT INTO ledger (entry_id, payment_id, customer_id, kind, amount, currency, converted_amount, converted_currency,
                            method_brand, method_last4, channel, description, created_at)
        SELECT * FROM unnest(@entry_id, @payment_id, @customer_id, @kind, @amount, @currency, @converted_amount,
                             @converted_currency, @method_brand, @method_last4, @channel, @description, @created_at)
        ON CONFLICT (entry_id) DO NOTHING
        """;

    public async Task Append(IReadOnlyCollection<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var command = database.Source.CreateCommand(Insert);
        Add(command, "entry_id", entries.Select(entry => entry.EntryId));
        Add(command, "payment_id", entries.Select(entry => entry.PaymentId));
        Add(command, "customer_id", entries.Select(entry => entry.CustomerId));
        Add(command, "kind", entries.Select(entry => KindName(entry.Kind)));
        Add(command, "amount", entries.Select(entry => entry.Amount));
        Add(command, "currency", entries.Select(entry => entry.Currency));
        Add(command, "converted_amount", entries.Select(entry => entry.ConvertedAmount));
        Add(command, "converted_currency", entries.Select(entry => entry.ConvertedCurrency));
        Add(command, "method_brand", entries.Select(entry => entry.MethodBrand));
        Add(command, "method_last4", entries.Select(entry => entry.MethodLast4));
        Add(command, "channel", entries.Select(entry => entry.Channel));
        Add(command, "description", entries.Select(entry => entry.Description));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("created_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            TypedValue = entries.Select(entry => entry.CreatedAt.UtcDateTime).ToArray(),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The ledger's spelling of a kind, as its CHECK constraint lists them.</summary>
    public static string KindName(LedgerKind kind) => kind.ToString().ToLowerInvariant();

    private static void Add<T>(NpgsqlCommand command, string name, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, values.ToArray()));
}
