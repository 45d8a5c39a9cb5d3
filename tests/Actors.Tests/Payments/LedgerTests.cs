using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Silo.Payments;

namespace Actors.Tests.Payments;

public sealed class LedgerTests(PaymentsStoreFixture store) : IClassFixture<PaymentsStoreFixture>
{
    private readonly PostgresLedger ledger = new(store.Database);

    private static LedgerEntry[] Payment(string customerId, string paymentId, DateTimeOffset at) =>
    [
        Entry(customerId, paymentId, LedgerKind.Authorized, 2_500, at),
        Entry(customerId, paymentId, LedgerKind.Succeeded, 2_500, at),
        Entry(customerId, paymentId, LedgerKind.Refunded, 500, at.AddMinutes(5), refundId: "re_1"),
        Entry(customerId, paymentId, LedgerKind.Refunded, 700, at.AddMinutes(6), refundId: "re_2"),
    ];

    private static LedgerEntry Entry(
        string customerId, string paymentId, LedgerKind kind, long amount, DateTimeOffset at, string? refundId = null) =>
        new(LedgerEntry.IdFor(paymentId, kind, refundId), paymentId, customerId, kind, amount, "EUR", amount, "EUR",
            "visa", "4242", "web", "Order 42", at);

    private Task<long> Rows(string paymentId) => store.Scalar("SELECT count(*) FROM ledger WHERE payment_id = $1", paymentId);

    private static string NewPaymentId() => "pay_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Appending_entries_stores_each_one_as_a_row_with_its_fields()
    {
        var paymentId = NewPaymentId();
        var at = new DateTimeOffset(2025, 3, 30, 1, 30, 0, TimeSpan.FromHours(2));

        await ledger.Append(Payment(CustomerId.New(), paymentId, at), CancellationToken.None);

        Assert.Equal(4, await Rows(paymentId));
        Assert.Equal(1_200, await store.Scalar(
            "SELECT sum(amount)::bigint FROM ledger WHERE payment_id = $1 AND kind = 'refunded'", paymentId));
        // Stored as the instant: 01:30 at +02:00 is 23:30 UTC the day before.
        Assert.Equal(at.ToUnixTimeSeconds(), await store.Scalar(
            "SELECT extract(epoch FROM created_at)::bigint FROM ledger WHERE entry_id = $1",
            LedgerEntry.IdFor(paymentId, LedgerKind.Authorized)));
    }

    [Fact]
    public async Task Appending_the_same_entries_twice_or_twice_in_one_batch_leaves_one_row_each()
    {
        var paymentId = NewPaymentId();
        var entries = Payment(CustomerId.New(), paymentId, DateTimeOffset.UtcNow);

        await ledger.Append([entries[0], entries[0], .. entries], CancellationToken.None);
        await ledger.Append(entries, CancellationToken.None);

        Assert.Equal(entries.Length, await Rows(paymentId));
    }

    [Fact]
    public async Task Appending_the_same_entries_concurrently_leaves_one_row_each()
    {
        var paymentId = NewPaymentId();
        var entries = Payment(CustomerId.New(), paymentId, DateTimeOffset.UtcNow);
        await using var otherProcess = PaymentsDatabase.Create(store.ConnectionString);
        var otherLedger = new PostgresLedger(otherProcess);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? ledger : otherLedger).Append(i % 3 == 0 ? entries : [.. entries.Reverse()], CancellationToken.None))));

        Assert.Equal(entries.Length, await Rows(paymentId));
    }

    [Fact]
    public async Task A_later_entry_with_an_existing_id_leaves_the_first_as_it_was()
    {
        var paymentId = NewPaymentId();
        var original = Entry(CustomerId.New(), paymentId, LedgerKind.Authorized, 2_500, DateTimeOffset.UtcNow);

        await ledger.Append([original], CancellationToken.None);
        await ledger.Append([original with { Amount = 9_999 }], CancellationToken.None);

        Assert.Equal(2_500, await store.Scalar("SELECT amount FROM ledger WHERE entry_id = $1", original.EntryId));
    }

    [Fact]
    public async Task Appending_nothing_does_nothing()
    {
        await ledger.Append([], CancellationToken.None);
    }

    [Fact]
    public async Task Entries_without_a_card_keep_the_method_empty()
    {
        var paymentId = NewPaymentId();
        var entry = Entry(CustomerId.New(), paymentId, LedgerKind.Authorized, 100, DateTimeOffset.UtcNow)
            with
        { MethodBrand = null, MethodLast4 = null };

        await ledger.Append([entry], CancellationToken.None);

        Assert.Equal(1, await store.Scalar(
            "SELECT count(*) FROM ledger WHERE payment_id = $1 AND method_brand IS NULL AND method_last4 IS NULL", paymentId));
    }
}
