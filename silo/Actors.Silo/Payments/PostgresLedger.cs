using Actors.Grains.Payments;
using Npgsql;

namespace Actors.Silo.Payments;

/// <summary>
/// The <c>ledger</c> table. Append-only: this class inserts and never updates or deletes, and an entry whose id is
/// already there is skipped, so an outbox flushed twice, or by two activations at once, leaves one row per event.
/// </summary>
public sealed class PostgresLedger(PaymentsDatabase database) : ILedger
{
    // One statement for the whole batch: a column array per field, zipped back into rows by unnest.
    private const string InsertEntries = """
        INSERT INTO ledger (entry_id, payment_id, customer_id, kind, amount, currency, converted_amount,
                            converted_currency, method_brand, method_last4, channel, description, created_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[],
                             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[])
        ON CONFLICT (entry_id) DO NOTHING
        """;

    public async Task Append(IReadOnlyCollection<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var insert = database.DataSource.CreateCommand(InsertEntries);
        Column(insert, entries, entry => entry.EntryId);
        Column(insert, entries, entry => entry.PaymentId);
        Column(insert, entries, entry => entry.CustomerId);
        Column(insert, entries, entry => KindText(entry.Kind));
        Column(insert, entries, entry => entry.Amount);
        Column(insert, entries, entry => entry.Currency);
        Column(insert, entries, entry => entry.ConvertedAmount);
        Column(insert, entries, entry => entry.ConvertedCurrency);
        Column(insert, entries, entry => entry.MethodBrand);
        Column(insert, entries, entry => entry.MethodLast4);
        Column(insert, entries, entry => entry.Channel);
        Column(insert, entries, entry => entry.Description);
        // timestamptz takes UTC only; the instant is what matters, not the offset it was written with.
        Column(insert, entries, entry => entry.CreatedAt.ToUniversalTime());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The text stored for each kind, spelled out so renaming an enum member never changes stored rows.</summary>
    public static string KindText(LedgerKind kind) => kind switch
    {
        LedgerKind.Authorized => "authorized",
        LedgerKind.Succeeded => "succeeded",
        LedgerKind.Declined => "declined",
        LedgerKind.Refunded => "refunded",
        LedgerKind.Released => "released",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a ledger kind."),
    };

    private static void Column<T>(NpgsqlCommand command, IReadOnlyCollection<LedgerEntry> entries, Func<LedgerEntry, T> field) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = [.. entries.Select(field)] });
}
