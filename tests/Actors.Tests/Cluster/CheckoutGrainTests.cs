using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Sessions;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Cluster;

[Collection(GrainClusterCollection.Name)]
public sealed class CheckoutGrainTests(GrainClusterFixture fixture)
{
    private StoredData Database => new(fixture.ConnectionString);

    private static IdempotentRequest Key(string fingerprint = "body") => new(Guid.NewGuid().ToString(), fingerprint);

    /// <summary>Not async: the request context set here must stay with the test's own flow of calls.</summary>
    private Task<ICustomerGrain> NewCustomer(string currency = "EUR")
    {
        RequestContext.Set(Caller.ContextKey, new Caller("phone-1", Channels.Mobile, "Ada's phone"));
        return Create(currency);
    }

    private async Task<ICustomerGrain> Create(string currency)
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada() with { HomeCurrency = currency }));
        return customer;
    }

    private static async Task<string> Save(ICustomerGrain customer, string token, bool preferred = false)
    {
        var saved = await customer.AddPaymentMethod(new PaymentMethodDraft(token, "visa", "4242", 12, 2030, "GB", preferred));
        return Assert.IsType<WalletResult.Saved>(saved).Method.Id;
    }

    private async Task<Checkout> CheckoutOf(ICustomerGrain customer, long amount, string currency = "EUR")
    {
        var draft = await TestCatalog.OneLine(fixture.Client, amount, currency);
        var created = await customer.CreateCheckout(Key(), draft);
        return Assert.IsType<MoneyResult.CheckoutCreated>(created).Summary.Checkout;
    }

    private static async Task<Payment> Confirm(ICustomerGrain customer, Checkout checkout, string methodId, string? code = null) =>
        Assert.IsType<MoneyResult.PaymentResult>(await customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(methodId, code))).Payment;

    private async Task<Headroom> Daily(ICustomerGrain customer) =>
        Assert.IsType<LimitsResult.Current>(await customer.GetLimits()).Limits.Headroom.Single(room => room.Window == CapWindow.Daily);

    [Fact]
    public async Task Creating_a_checkout_of_the_cart_charges_nothing_and_offers_the_preferred_method_first()
    {
        var customer = await NewCustomer();
        await Save(customer, "tok_mastercard");
        var preferred = await Save(customer, "tok_visa", preferred: true);
        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "beans", "Coffee beans", 1_450, quantity: 2));
        await customer.SetLimits(new CapRequest(10_000, null, null));

        var created = Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(Key(), new CheckoutDraft(null, null)));

        var summary = created.Summary;
        Assert.Equal(CheckoutStatus.RequiresConfirmation, summary.Checkout.Status);
        Assert.Equal(2_900, summary.Checkout.Total);
        Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(15), summary.Checkout.ExpiresAt);
        Assert.Equal(preferred, summary.PaymentMethods[0].Id);
        Assert.Equal(10_000, Assert.Single(summary.Headroom).Remaining);
        Assert.Equal(0, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_confirmed_payment_settles_spend_writes_the_ledger_once_and_pays_the_cart_lines()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        await customer.SetLimits(new CapRequest(10_000, null, null));
        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "beans", "Coffee beans", 1_450, quantity: 2));
        var checkout = Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(Key(), new CheckoutDraft(null, null))).Summary.Checkout;
        await customer.PutCartLine(1, await TestCatalog.Stocked(fixture.Client, "mug", "Mug", 900));

        var payment = await Confirm(customer, checkout, visa);

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal(Channels.Mobile, payment.Channel);
        Assert.Equal(10_000 - 2_900, (await Daily(customer)).Remaining);
        Assert.Equal([("authorized", 2_900L, 2_900L), ("succeeded", 2_900L, 2_900L)], await Database.LedgerOf(payment.Id));
        var cart = Assert.IsType<CartResult.Updated>(await customer.GetCart()).Cart;
        Assert.Equal("mug", Assert.Single(cart.Lines).Sku);
        Assert.Equal(CheckoutStatus.Succeeded, (await customer.GetCheckout(checkout.Id))!.Checkout.Status);
        Assert.IsType<MoneyResult.CheckoutClosed>(await customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(visa, null)));
    }

    [Fact]
    public async Task A_declined_card_gives_the_reservation_back_and_another_method_can_pay()
    {
        var customer = await NewCustomer();
        var declined = await Save(customer, "tok_insufficientFunds");
        var visa = await Save(customer, "tok_visa");
        await customer.SetLimits(new CapRequest(5_000, null, null));
        var checkout = await CheckoutOf(customer, 5_000);

        var first = await Confirm(customer, checkout, declined);
        Assert.Equal(PaymentStatus.Declined, first.Status);
        Assert.Equal("insufficient_funds", first.DeclineReason);
        Assert.Equal(5_000, (await Daily(customer)).Remaining);

        var second = await Confirm(customer, checkout, visa);
        Assert.Equal(PaymentStatus.Succeeded, second.Status);
        Assert.Equal(0, (await Daily(customer)).Remaining);
        Assert.Equal(["authorized", "declined"], (await Database.LedgerOf(first.Id)).Select(row => row.Kind));
    }

    [Fact]
    public async Task Step_up_waits_for_the_code_and_then_completes_the_same_payment()
    {
        var customer = await NewCustomer();
        var stepUp = await Save(customer, "tok_stepUpRequired");
        var checkout = await CheckoutOf(customer, 2_000);

        var waiting = await Confirm(customer, checkout, stepUp);
        Assert.Equal(PaymentStatus.RequiresAction, waiting.Status);
        Assert.IsType<MoneyResult.Invalid>(await customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(stepUp, null)));

        var done = await Confirm(customer, checkout, stepUp, "123456");
        Assert.Equal(waiting.Id, done.Id);
        Assert.Equal(PaymentStatus.Succeeded, done.Status);
        Assert.Equal(1, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_gateway_that_never_answers_leaves_the_payment_processing_until_reconciliation_settles_it()
    {
        var customer = await NewCustomer();
        var timeout = await Save(customer, "tok_timeout");
        await customer.SetLimits(new CapRequest(10_000, null, null));
        var checkout = await CheckoutOf(customer, 4_000);

        // The sandbox charges tok_timeout but never answers: the gateway timeout runs on the grain's clock.
        var payment = await fixture.AdvanceOnceAtGateway(Confirm(customer, checkout, timeout),
            () => Database.ChargesOf(customer.GetPrimaryKeyString()), TimeSpan.FromSeconds(1));
        Assert.Equal(PaymentStatus.Processing, payment.Status);
        Assert.Equal(6_000, (await Daily(customer)).Remaining);

        fixture.Clock.Advance(PaymentTestSettings.ReconcileAfter * 2);
        var settled = await Eventually.Get(() => customer.GetPayment(payment.Id), found => found?.Status == PaymentStatus.Succeeded);

        Assert.Equal(6_000, (await Daily(customer)).Remaining);
        Assert.Equal(["authorized", "succeeded"], (await Database.LedgerOf(settled!.Id)).Select(row => row.Kind));
        Assert.Equal(1, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_payment_over_the_lowest_headroom_is_refused_naming_the_window()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        await customer.SetLimits(new CapRequest(10_000, 6_000, 50_000));
        await Confirm(customer, await CheckoutOf(customer, 5_000), visa);

        var refused = await customer.ConfirmCheckout(Key(), (await CheckoutOf(customer, 1_001)).Id, new ConfirmDraft(visa, null));

        var exceeded = Assert.IsType<MoneyResult.CapExceeded>(refused);
        Assert.Equal((CapWindow.Weekly, 6_000L, 1_000L, "EUR"), (exceeded.Window, exceeded.Cap, exceeded.Remaining, exceeded.Currency));
        Assert.Equal(1, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_checkout_in_another_currency_counts_converted_against_the_caps()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        await customer.SetLimits(new CapRequest(10_000, null, null));

        // 16,000 JPY at 160 per EUR is 100.00 EUR.
        var payment = await Confirm(customer, await CheckoutOf(customer, 16_000, "JPY"), visa);

        Assert.Equal((16_000L, "JPY", 10_000L, "EUR"), (payment.Amount, payment.Currency, payment.ConvertedAmount, payment.CapCurrency));
        Assert.Equal(0, (await Daily(customer)).Remaining);
    }

    [Fact]
    public async Task An_expired_checkout_cannot_be_confirmed()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        var checkout = await CheckoutOf(customer, 1_000);

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));

        Assert.IsType<MoneyResult.CheckoutExpired>(await customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(visa, null)));
        Assert.Equal(0, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Self_exclusion_blocks_creating_and_confirming_until_it_ends()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        var checkout = await CheckoutOf(customer, 1_000);
        var until = fixture.Clock.GetUtcNow().AddDays(2);

        Assert.IsType<LimitsResult.Current>(await customer.SelfExclude(until));

        Assert.Equal(new MoneyResult.SelfExcluded(until), await customer.ConfirmCheckout(Key(), checkout.Id, new ConfirmDraft(visa, null)));
        Assert.Equal(new MoneyResult.SelfExcluded(until), await customer.CreateCheckout(Key(), new CheckoutDraft(null, null)));
        Assert.IsType<LimitsResult.ExclusionWouldShorten>(await customer.SelfExclude(until.AddHours(-1)));

        fixture.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(PaymentStatus.Succeeded, (await Confirm(customer, await CheckoutOf(customer, 1_000), visa)).Status);
    }

    [Fact]
    public async Task The_same_key_replays_its_answer_and_a_different_request_under_it_is_a_mismatch()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        var checkout = await CheckoutOf(customer, 1_000);
        var key = Key("confirm-body");

        var first = await customer.ConfirmCheckout(key, checkout.Id, new ConfirmDraft(visa, null));
        var again = await customer.ConfirmCheckout(key, checkout.Id, new ConfirmDraft(visa, null));
        var checkedFirst = await customer.CheckIdempotency(key);

        Assert.Equal(first, again);
        Assert.Equal(first, checkedFirst);
        Assert.IsType<MoneyResult.IdempotencyMismatch>(await customer.CheckIdempotency(key with { Fingerprint = "other" }));
        Assert.Equal(1, await Database.ChargesOf(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Refunds_never_exceed_the_captured_amount_and_do_not_restore_headroom()
    {
        var customer = await NewCustomer();
        var visa = await Save(customer, "tok_visa");
        await customer.SetLimits(new CapRequest(10_000, null, null));
        var payment = await Confirm(customer, await CheckoutOf(customer, 3_000), visa);

        var partial = Assert.IsType<MoneyResult.Refunded>(await customer.RefundPayment(Key(), payment.Id, new RefundDraft(1_000, "damaged")));
        var tooMuch = await customer.RefundPayment(Key(), payment.Id, new RefundDraft(2_001, null));
        var rest = Assert.IsType<MoneyResult.Refunded>(await customer.RefundPayment(Key(), payment.Id, new RefundDraft(null, null)));

        Assert.Equal(2_000, partial.Payment.Refundable);
        Assert.Equal(new MoneyResult.RefundExceedsCaptured(2_000, "EUR"), tooMuch);
        Assert.Equal((2_000L, 0L), (rest.Refund.Amount, rest.Payment.Refundable));
        Assert.Equal(7_000, (await Daily(customer)).Remaining);
        Assert.Equal(3_000, await Database.RefundedSum(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Devices_are_remembered_with_their_channel()
    {
        var customer = await NewCustomer();
        RequestContext.Set(Caller.ContextKey, new Caller("phone-1", Channels.Mobile, "Ada's phone", ByCustomer: true));
        await customer.GetCart();
        RequestContext.Set(Caller.ContextKey, new Caller("till-7", Channels.Pos, null));
        await customer.GetCart();

        var sessions = await customer.GetSessions();

        Assert.Equal(["till-7", "phone-1"], sessions!.Select(session => session.DeviceId));
        Assert.Equal(Channels.Pos, sessions![0].Channel);
    }
}
