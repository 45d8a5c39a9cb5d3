using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;
using Orleans.Storage;

namespace Actors.Tests.Cluster;

/// <summary>The customer grain on its journal: what comes back after deactivation, and what happens when another writer got there first.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class JournalGrainTests(GrainClusterFixture fixture)
{
    private StoredData Stored => new(fixture.ConnectionString);

    private static IdempotentRequest Key() => new(Guid.NewGuid().ToString(), "body");

    private async Task<ICustomerGrain> NewCustomer()
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        // No email or phone: creating is then one event, which the sequences below count on.
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada() with { HomeCurrency = "EUR", Email = null, Phone = null }));
        return customer;
    }

    private Task<long> RefundsAtGateway(string paymentId) =>
        Stored.Scalar("SELECT count(*) FROM sandbox_refunds WHERE payment_id = @id", ("id", paymentId));

    private static async Task<Cart> Cart(ICustomerGrain customer) => Assert.IsType<CartResult.Updated>(await customer.GetCart()).Cart;

    private static async Task<string> Visa(ICustomerGrain customer, string token = "tok_visa") =>
        Assert.IsType<WalletResult.Saved>(await customer.AddPaymentMethod(new PaymentMethodDraft(token, "visa", "4242", 12, 2030, "GB", false))).Method.Id;

    private async Task<Checkout> CheckoutOf(ICustomerGrain customer, long amount) =>
        Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(Key(),
            await TestCatalog.OneLine(fixture.Client, amount))).Summary.Checkout;

    /// <summary>Waits, moving the clock on, until reconciliation has settled a payment the gateway never answered.</summary>
    private Task<Payment?> Settled(ICustomerGrain customer, string paymentId) => fixture.AdvanceUntil(
        Eventually.Get(() => customer.GetPayment(paymentId), found => found?.Status == PaymentStatus.Succeeded), TimeSpan.FromMilliseconds(500));

    [Fact]
    public async Task A_customer_comes_back_from_its_snapshot_and_the_events_after_it()
    {
        var customer = await NewCustomer();
        for (var i = 0; i < 7; i++)
        {
            await customer.PutCartLine(i, await TestCatalog.Stocked(fixture.Client, $"sku-{i}", $"Item {i}", 100 + i));
        }
        var id = customer.GetPrimaryKeyString();
        var snapshotBefore = await Stored.Scalar("SELECT sequence FROM customer_snapshots WHERE customer_id = @id", ("id", id));

        await fixture.Cluster.DeactivateAsync(customer);
        var cart = await Cart(customer);

        Assert.Equal(8, await Stored.EventsOf(id));
        // Every fifth event takes a snapshot with it; deactivation takes one of what came after.
        Assert.Equal(GrainClusterFixture.SnapshotEvery, snapshotBefore);
        Assert.Equal(8, await Stored.Scalar("SELECT sequence FROM customer_snapshots WHERE customer_id = @id", ("id", id)));
        Assert.Equal(7, cart.Version);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"sku-{i}"), cart.Lines.Select(line => line.Sku));
    }

    [Fact]
    public async Task When_another_writer_appended_first_the_activation_steps_aside_and_the_retry_sees_both_changes()
    {
        var customer = await NewCustomer();
        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "mine", "Mine", 500));
        var id = customer.GetPrimaryKeyString();
        // Another activation of the same customer (a membership change can briefly make two) appends event 3.
        await using (var otherSilo = StandaloneJournal.Open(fixture.ConnectionString))
        {
            await otherSilo.Journal.Append(id, 2, [new CartLineSet(new CartLine("theirs", "Theirs", 700, "EUR", 1)) { At = fixture.Clock.GetUtcNow() }],
                null, CancellationToken.None);
        }

        var lost = await TestCatalog.Stocked(fixture.Client, "lost", "Lost", 900);
        await Assert.ThrowsAsync<InconsistentStateException>(() => customer.PutCartLine(1, lost));
        var afterwards = await Cart(customer);
        var retried = Assert.IsType<CartResult.Updated>(await customer.PutCartLine(afterwards.Version, await TestCatalog.Stocked(fixture.Client, "again", "Again", 900))).Cart;

        Assert.Equal(["mine", "theirs"], afterwards.Lines.Select(line => line.Sku));
        Assert.Equal(["mine", "theirs", "again"], retried.Lines.Select(line => line.Sku));
        Assert.Equal(4, await Stored.EventsOf(id));
    }

    [Fact]
    public async Task A_retry_after_reactivation_gets_the_first_answer_even_after_the_payment_moved_on()
    {
        var customer = await NewCustomer();
        var visa = await Visa(customer);
        var createKey = Key();
        var created = Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(createKey,
            await TestCatalog.OneLine(fixture.Client, 4_000)));
        var confirmKey = Key();
        var paid = Assert.IsType<MoneyResult.PaymentResult>(await customer.ConfirmCheckout(confirmKey, created.Summary.Checkout.Id, new ConfirmDraft(visa, null)));
        Assert.IsType<MoneyResult.Refunded>(await customer.RefundPayment(Key(), paid.Payment.Id, new RefundDraft(1_500, null)));

        await fixture.Cluster.DeactivateAsync(customer);
        var confirmAgain = Assert.IsType<MoneyResult.PaymentResult>(await customer.CheckIdempotency(confirmKey));
        var createAgain = Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CheckIdempotency(createKey));

        Assert.Equal((PaymentStatus.Succeeded, 0L), (confirmAgain.Payment.Status, confirmAgain.Payment.Refunded));
        Assert.Equal(paid.Payment, confirmAgain.Payment);
        Assert.Equal((created.Summary.Checkout.Id, CheckoutStatus.RequiresConfirmation), (createAgain.Summary.Checkout.Id, createAgain.Summary.Checkout.Status));
        Assert.Equal(created.Summary.PaymentMethods.Select(method => method.Id), createAgain.Summary.PaymentMethods.Select(method => method.Id));
        Assert.Equal(created.Summary.Headroom, createAgain.Summary.Headroom);
        Assert.IsType<MoneyResult.IdempotencyMismatch>(await customer.CheckIdempotency(confirmKey with { Fingerprint = "another body" }));
    }

    [Fact]
    public async Task A_refund_the_gateway_did_not_answer_stays_pending_is_not_doubled_on_retry_and_reconciliation_finishes_it()
    {
        var customer = await NewCustomer();
        // tok_timeout: charges and refunds are made, but their first answer never comes.
        var card = await Visa(customer, "tok_timeout");
        await customer.SetLimits(new CapRequest(10_000, null, null));
        var payment = Assert.IsType<MoneyResult.PaymentResult>(await fixture.AdvanceOnceAtGateway(
            customer.ConfirmCheckout(Key(), (await CheckoutOf(customer, 4_000)).Id, new ConfirmDraft(card, null)),
            () => Stored.Scalar("SELECT count(*) FROM sandbox_charges WHERE customer_id = @id", ("id", customer.GetPrimaryKeyString())),
            TimeSpan.FromSeconds(1))).Payment;
        await Settled(customer, payment.Id);
        var refundKey = Key();

        var unanswered = await fixture.AdvanceOnceAtGateway(customer.RefundPayment(refundKey, payment.Id, new RefundDraft(1_000, null)),
            () => RefundsAtGateway(payment.Id), TimeSpan.FromSeconds(1));
        var retried = await customer.RefundPayment(refundKey, payment.Id, new RefundDraft(1_000, null));
        var another = await customer.RefundPayment(Key(), payment.Id, new RefundDraft(3_001, null));

        Assert.IsType<MoneyResult.GatewayUnavailable>(unanswered);
        var refunded = Assert.IsType<MoneyResult.Refunded>(retried);
        Assert.Equal((1_000L, 3_000L), (refunded.Payment.Refunded, refunded.Payment.Refundable));
        Assert.Equal(new MoneyResult.RefundExceedsCaptured(3_000, "EUR"), another);
        Assert.Equal(1, await Stored.Scalar("SELECT count(*) FROM sandbox_refunds WHERE payment_id = @id", ("id", payment.Id)));
        Assert.Equal(1_000, await Stored.RefundedSum(customer.GetPrimaryKeyString()));
        Assert.Equal(["authorized", "succeeded", "refunded"], (await Stored.LedgerOf(payment.Id)).Select(row => row.Kind));
    }

    [Fact]
    public async Task A_refund_left_pending_is_finished_by_reconciliation_without_a_retry()
    {
        var customer = await NewCustomer();
        var card = await Visa(customer, "tok_timeout");
        var payment = Assert.IsType<MoneyResult.PaymentResult>(await fixture.AdvanceOnceAtGateway(
            customer.ConfirmCheckout(Key(), (await CheckoutOf(customer, 4_000)).Id, new ConfirmDraft(card, null)),
            () => Stored.Scalar("SELECT count(*) FROM sandbox_charges WHERE customer_id = @id", ("id", customer.GetPrimaryKeyString())),
            TimeSpan.FromSeconds(1))).Payment;
        await Settled(customer, payment.Id);

        Assert.IsType<MoneyResult.GatewayUnavailable>(await fixture.AdvanceOnceAtGateway(
            customer.RefundPayment(Key(), payment.Id, new RefundDraft(null, "damaged")), () => RefundsAtGateway(payment.Id), TimeSpan.FromSeconds(1)));

        // Reminders tick on the silo's clock too: it keeps moving while reconciliation asks the gateway again.
        var settled = await fixture.AdvanceUntil(
            Eventually.Get(() => customer.GetPayment(payment.Id), found => found?.Refunded == 4_000), TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, settled!.Refundable);
        Assert.Equal(4_000, await Stored.RefundedSum(customer.GetPrimaryKeyString()));
        Assert.Equal(1, await Stored.Scalar("SELECT count(*) FROM sandbox_refunds WHERE payment_id = @id", ("id", payment.Id)));
    }

    [Fact]
    public async Task Concurrent_confirms_of_one_customer_are_decided_in_turn_and_never_pass_the_cap()
    {
        var customer = await NewCustomer();
        var visa = await Visa(customer);
        await customer.SetLimits(new CapRequest(20 * 1_000, null, null));
        var checkouts = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => CheckoutOf(customer, 1_000)));

        var results = await Task.WhenAll(checkouts.Select(checkout => customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(visa, null))));

        Assert.Equal(20, results.Count(result => result is MoneyResult.PaymentResult { Payment.Status: PaymentStatus.Succeeded }));
        Assert.Equal(40, results.Count(result => result is MoneyResult.CapExceeded));
        Assert.Equal(20_000, await Stored.SucceededSum(customer.GetPrimaryKeyString()));
        Assert.Equal(20, await Stored.ChargesOf(customer.GetPrimaryKeyString()));
        var daily = Assert.IsType<LimitsResult.Current>(await customer.GetLimits()).Limits.Headroom.Single();
        Assert.Equal((20_000L, 0L), (daily.Spent, daily.Remaining));
    }

    [Fact]
    public async Task When_an_append_fails_what_was_decided_after_it_fails_too_and_only_what_was_answered_is_kept()
    {
        var customer = await NewCustomer();
        var id = customer.GetPrimaryKeyString();
        await using (var otherSilo = StandaloneJournal.Open(fixture.ConnectionString))
        {
            await otherSilo.Journal.Append(id, 1, [new CartLineSet(new CartLine("theirs", "Theirs", 700, "EUR", 1)) { At = fixture.Clock.GetUtcNow() }],
                null, CancellationToken.None);
        }

        // Decided one after another against a state the journal no longer agrees with; those that arrive once the
        // activation stepped aside are served by a fresh one.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                return await customer.AddPaymentMethod(new PaymentMethodDraft($"tok_card{i}", "visa", "4242", 12, 2030, "GB", false));
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));

        var answered = attempts.OfType<WalletResult.Saved>().Select(saved => saved.Method.Token).Order().ToList();
        Assert.True(attempts.Any(attempt => attempt is null), "the append after the other writer's must fail");
        var kept = Assert.IsType<WalletResult.Listed>(await customer.GetPaymentMethods()).Methods.Select(method => method.Token).Order();
        Assert.Equal(answered, kept);
        Assert.Equal(2 + answered.Count, await Stored.EventsOf(id));
        Assert.Equal(["theirs"], (await Cart(customer)).Lines.Select(line => line.Sku));
    }
}
