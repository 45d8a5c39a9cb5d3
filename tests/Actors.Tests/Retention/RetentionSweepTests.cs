using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Payments;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Retention;

/// <summary>
/// The retention sweep on a cluster of its own, since its tests move the clock on by years: what aged out leaves the
/// state and the journal, money stays, and the customer loads the same afterwards.
/// </summary>
public sealed class RetentionSweepTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private const string Description = "Birthday present for Ada Lovelace";
    private const string RefundReason = "Ada said the mug arrived broken";

    private static readonly TimeSpan PastMoneyRetention = new RetentionSettings().MoneyEventPersonalData + TimeSpan.FromDays(1);

    private StoredData Database => new(fixture.ConnectionString);

    private static IdempotentRequest Key() => new(Guid.NewGuid().ToString(), "body");

    /// <summary>A customer seen on a labelled tablet who paid for a described checkout and got part of it back.</summary>
    private async Task<(ICustomerGrain Customer, Payment Payment)> CustomerWhoPaid()
    {
        RequestContext.Set(Caller.ContextKey, new Caller("kitchen-tablet", Channels.Web, "Ada's kitchen tablet"));
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
        var saved = await customer.AddPaymentMethod(new PaymentMethodDraft("tok_visa", "visa", "4242", 12, 2030, "GB", true));
        var visa = Assert.IsType<WalletResult.Saved>(saved).Method.Id;
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

        Assert.True(sweep.Customers >= 1);
        Assert.Equal(0, sweep.Failed);
        Assert.True(sweep.Removed.SightingsDeleted >= 1);
        Assert.True(sweep.Removed.IdempotencyRecordsDeleted >= 3);
        Assert.True(sweep.Removed.MoneyEventsAnonymized >= 4);
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

        fixture.Clock.Advance(TimeSpan.FromDays(2));
        await Sweep();

        Assert.Equal(sightings, await RowsOf(customerId, "device-seen-v1"));
        Assert.Equal(3, await RowsOf(customerId, "request-answered-v1"));
        Assert.Equal("kitchen-tablet", Assert.Single(await customer.GetSessions() ?? []).DeviceId);
        Assert.Equal(Description, (await customer.GetPayment(payment.Id))?.Description);
    }

    [Fact]
    public async Task The_sweep_runs_on_one_reminder_for_the_whole_cluster()
    {
        await Eventually.Get(() => Database.Scalar(
            "SELECT count(*) FROM orleansreminderstable WHERE remindername = 'retention-sweep'"), count => count == 1);
    }
}
