using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Retention;

/// <summary>
/// The retention sweep on a cluster of its own, since its tests move the clock on by weeks: what aged out leaves the
/// state and the journal, money stays, and the customer loads the same afterwards.
/// </summary>
public sealed class RetentionSweepTests(RetentionClusterFixture fixture) : IClassFixture<RetentionClusterFixture>
{
    private const string Description = "Birthday present for Ada Lovelace";
    private const string RefundReason = "Ada said the mug arrived broken";

    private static readonly TimeSpan PastMoneyRetention = RetentionClusterFixture.Retention.MoneyEventPersonalData + TimeSpan.FromDays(1);

    private StoredData Database => new(fixture.ConnectionString);

    private static IdempotentRequest Key() => new(Guid.NewGuid().ToString(), "body");

    /// <summary>A customer seen on a labelled tablet who paid for a described checkout and got part of it back.</summary>
    private async Task<(ICustomerGrain Customer, Payment Payment)> CustomerWhoPaid()
    {
        // The merchant sets the customer up; then the customer pays from their tablet, which makes it a session.
        RequestContext.Clear();
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
        // Other tests here move the clock on: the card expires well after whatever now is.
        var saved = await customer.AddPaymentMethod(new PaymentMethodDraft("tok_visa", "visa", "4242", 12, fixture.Clock.GetUtcNow().Year + 5, "GB", true));
        var visa = Assert.IsType<WalletResult.Saved>(saved).Method.Id;
        RequestContext.Set(Caller.ContextKey, new Caller("kitchen-tablet", Channels.Web, "Ada's kitchen tablet", ByCustomer: true));
        var draft = await TestCatalog.OneLine(fixture.Client, 2_500);
        var created = await customer.CreateCheckout(Key(), draft with { Description = Description });
        var checkout = Assert.IsType<MoneyResult.CheckoutCreated>(created).Summary.Checkout;
        var paid = await customer.ConfirmCheckout(Key(), checkout.Id, new Grains.Checkouts.ConfirmDraft(visa, null));
        var payment = Assert.IsType<MoneyResult.PaymentResult>(paid).Payment;
        Assert.IsType<MoneyResult.Refunded>(await customer.RefundPayment(Key(), payment.Id, new RefundDraft(500, RefundReason)));
        RequestContext.Clear();
        return (customer, payment);
    }

    private async Task<RetentionSweep> Sweep()
    {
        RequestContext.Clear();
        return await fixture.Client.GetGrain<IRetentionGrain>(IRetentionGrain.Key).Sweep();
    }

    private Task<long> RowsOf(string customerId, string eventType) => Database.Scalar(
        "SELECT count(*) FROM customer_events WHERE customer_id = @customer AND event_type = @type",
        ("customer", customerId), ("type", eventType));

    [Fact]
    public async Task Past_retention_sightings_and_idempotency_records_are_deleted_and_money_texts_removed_while_the_money_stays()
    {
        var (customer, payment) = await CustomerWhoPaid();
        var customerId = customer.GetPrimaryKeyString();
        var moneyBefore = await Database.SucceededSum(customerId);
        var refundedBefore = await Database.RefundedSum(customerId);
        Assert.True(await RowsOf(customerId, "device-seen-v1") > 0);

        fixture.Clock.Advance(PastMoneyRetention);
        var sweep = await Sweep();

        // Moving the clock also fires the sweep's own reminder, whose pass may have done the work first: what the
        // journal holds is what counts.
        Assert.Equal(0, sweep.Failed);
        Assert.Equal(0, await RowsOf(customerId, "device-seen-v1"));
        Assert.Equal(0, await RowsOf(customerId, "request-answered-v1"));
        Assert.Equal(0, await Database.Scalar(
            "SELECT count(*) FROM customer_events WHERE customer_id = @customer AND description IS NOT NULL", ("customer", customerId)));
        Assert.Equal(moneyBefore, await Database.SucceededSum(customerId));
        Assert.Equal(refundedBefore, await Database.RefundedSum(customerId));

        // The state agrees, and so does a fresh activation loading the rewritten journal.
        foreach (var reload in new[] { false, true })
        {
            if (reload)
            {
                await fixture.Cluster.DeactivateAsync(customer);
            }
            Assert.Empty(await customer.GetSessions() ?? throw new InvalidOperationException("The customer is gone."));
            var kept = await customer.GetPayment(payment.Id) ?? throw new InvalidOperationException("The payment is gone.");
            Assert.Equal("", kept.Description);
            Assert.Equal((payment.Amount, PaymentStatus.Succeeded, 500), (kept.Amount, kept.Status, kept.Refunded));
        }

        // Nothing is left to remove: the next pass visits nobody.
        Assert.Equal(new RetentionSweep(0, AgedDataPurge.None, 0), await Sweep());
    }

    [Fact]
    public async Task Data_within_its_retention_is_kept()
    {
        var (customer, payment) = await CustomerWhoPaid();
        var customerId = customer.GetPrimaryKeyString();
        var sightings = await RowsOf(customerId, "device-seen-v1");

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        await Sweep();

        Assert.Equal(sightings, await RowsOf(customerId, "device-seen-v1"));
        // The checkout's answer, the confirm's (one kept with the reservation, one with the outcome) and the refund's.
        Assert.Equal(4, await RowsOf(customerId, "request-answered-v1"));
        Assert.Equal("kitchen-tablet", Assert.Single(await customer.GetSessions() ?? []).DeviceId);
        Assert.Equal(Description, (await customer.GetPayment(payment.Id))?.Description);
    }

    [Fact]
    public async Task The_sweep_runs_on_one_reminder_for_the_whole_cluster()
    {
        await Eventually.Get(() => Database.Scalar(
            "SELECT count(*) FROM orleansreminderstable WHERE remindername = 'retention-sweep'"), count => count == 1);
    }

    [Fact]
    public async Task Audit_entries_past_their_retention_are_deleted_but_the_newest_and_the_kept_chain_still_verifies_from_its_anchor()
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
        foreach (var granted in new[] { true, false, true })
        {
            await customer.RecordConsent(ConsentPurpose.Marketing, new ConsentDraft(granted, "2026-01"));
        }
        var customerId = customer.GetPrimaryKeyString();

        fixture.Clock.Advance(RetentionClusterFixture.Retention.Audit + TimeSpan.FromDays(1));
        await Sweep();

        var rows = await AuditRowsOf(customerId);
        var kept = Assert.Single(rows);
        Assert.True((await customer.GetConsents()) is ConsentResult.Current { Consents: var consents } && consents.LatestFor(ConsentPurpose.Marketing)!.Granted);
        var anchor = await AnchorOf(customerId);
        Assert.True(AuditChain.Verify(customerId, rows, anchor).Verified);
        // Without the anchor the first kept entry links to nothing: the anchor is what keeps the chain checkable.
        Assert.False(AuditChain.Verify(customerId, rows).Verified);

        // The next change links to the kept entry, and the chain still verifies.
        await customer.RecordConsent(ConsentPurpose.Marketing, new ConsentDraft(false, "2026-01"));
        Assert.True(AuditChain.Verify(customerId, await AuditRowsOf(customerId), anchor).Verified);
        Assert.True(kept.Sequence > anchor.Sequence);
    }

    private async Task<AuditAnchor> AnchorOf(string customerId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT sequence, hash FROM audit_anchors WHERE customer_id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no anchor was recorded");
        return new AuditAnchor(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    private async Task<IReadOnlyList<AuditRow>> AuditRowsOf(string customerId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT sequence, event_type, recorded_at, payload, audit_hash, audit_previous FROM customer_events
            WHERE customer_id = $1 AND audit_hash IS NOT NULL ORDER BY sequence
            """, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = customerId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<byte[]>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5)));
        }
        return rows;
    }
}

/// <summary>
/// A cluster whose retention periods are the shortest allowed, so tests move its clock by weeks, not years: a fake
/// clock moved on fires every periodic timer once per period it skips.
/// </summary>
public sealed class RetentionClusterFixture : GrainClusterFixture
{
    public static readonly RetentionSettings Retention = new()
    {
        Sessions = TimeSpan.FromDays(2),
        IdempotencyRecords = TimeSpan.FromDays(2),
        MoneyEventPersonalData = TimeSpan.FromDays(3),
        Audit = TimeSpan.FromDays(30),
    };

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Retention:Sessions", Retention.Sessions.ToString()),
        new("Retention:IdempotencyRecords", Retention.IdempotencyRecords.ToString()),
        new("Retention:MoneyEventPersonalData", Retention.MoneyEventPersonalData.ToString()),
        new("Retention:Audit", Retention.Audit.ToString()),
    ];
}
