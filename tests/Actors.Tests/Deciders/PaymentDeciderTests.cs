using Actors.Grains.Checkouts;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Deciders;

public sealed class PaymentDeciderTests
{
    private static ConfirmDecision Confirm(Grains.Customers.CustomerState state, string checkoutId, string? method = Visa, string? code = null, DateTimeOffset? at = null) =>
        PaymentDecider.Confirm(state, checkoutId, new ConfirmDraft(method, code), "pay_new", "mobile", at ?? Now);

    [Fact]
    public void A_confirmation_reserves_the_amount_before_anything_is_charged()
    {
        var (state, checkoutId) = WithCheckout(Shopper(daily: 10_000), 2_500);

        var decision = Confirm(state, checkoutId);

        var reserved = Assert.IsType<PaymentReserved>(Assert.Single(decision.Events));
        Assert.Equal(("pay_new", 2_500L, "EUR", PaymentStatus.Processing, "mobile"),
            (reserved.Payment.Id, reserved.Payment.Amount, reserved.Payment.Currency, reserved.Payment.Status, reserved.Payment.Channel));
        Assert.Equal(new ChargeRequest("pay_new", CustomerId, "tok_visa", 2_500, "EUR", null), decision.Charge);
        var after = Apply(state, decision.Events);
        Assert.Equal(7_500, SpendingPolicy.Headroom(after.Commerce.Limits, after.Commerce.Spend, Now, after.Zone).Single().Remaining);
        Assert.Equal(CheckoutStatus.Processing, after.Commerce.Checkouts[checkoutId].Status);
    }

    [Fact]
    public void The_reservation_is_on_the_customer_s_local_day()
    {
        // 23:30 UTC on 2 March is already 3 March in Berlin.
        var lateEvening = new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero);
        var (state, checkoutId) = WithCheckout(Shopper(), 1_000, lateEvening);

        var reserved = Assert.IsType<PaymentReserved>(Assert.Single(Confirm(state, checkoutId, at: lateEvening).Events));

        Assert.Equal(new DateOnly(2026, 3, 3), reserved.Day);
    }

    [Fact]
    public void A_payment_over_the_cap_is_refused_and_reserves_nothing()
    {
        var (state, _) = WithPayment(Shopper(daily: 5_000), 4_000);
        (state, var checkoutId) = WithCheckout(state, 1_001);

        var decision = Confirm(state, checkoutId);

        Assert.Empty(decision.Events);
        Assert.Null(decision.Charge);
        var exceeded = Assert.IsType<MoneyResult.CapExceeded>(decision.Refusal);
        Assert.Equal((CapWindow.Daily, 5_000L, 1_000L), (exceeded.Window, exceeded.Cap, exceeded.Remaining));
    }

    [Fact]
    public void Using_the_whole_headroom_is_allowed()
    {
        var (state, _) = WithPayment(Shopper(daily: 5_000), 4_000);
        (state, var checkoutId) = WithCheckout(state, 1_000);

        Assert.Null(Confirm(state, checkoutId).Refusal);
    }

    [Fact]
    public void Self_exclusion_refuses_every_confirmation()
    {
        var (state, checkoutId) = WithCheckout(Shopper(), 1_000);
        state = Apply(state, LimitsDecider.SelfExclude(state, Now.AddDays(30), Now).Events);

        Assert.Equal(new MoneyResult.SelfExcluded(Now.AddDays(30)), Confirm(state, checkoutId).Refusal);
    }

    [Fact]
    public void Unknown_expired_or_closed_checkouts_and_bad_methods_are_refused()
    {
        var (state, checkoutId) = WithCheckout(Shopper(), 1_000);
        var methodGone = Apply(state, WalletDecider.Remove(state, Visa, Now).Events);
        var (paid, paidId) = WithPayment(state, 2_000);
        var paidCheckout = paid.Commerce.FindPayment(paidId)!.CheckoutId;

        Assert.Equal(new MoneyResult.NotFound(MissingThing.Checkout), Confirm(state, "chk_unknown").Refusal);
        Assert.Equal(new MoneyResult.CheckoutExpired(checkoutId, Now + Lifetime), Confirm(state, checkoutId, at: Now + Lifetime).Refusal);
        Assert.Equal(new MoneyResult.CheckoutClosed(paidCheckout, CheckoutStatus.Succeeded, paidId), Confirm(paid, paidCheckout).Refusal);
        Assert.Equal(new MoneyResult.NotFound(MissingThing.PaymentMethod), Confirm(methodGone, checkoutId).Refusal);
        Assert.IsType<MoneyResult.Invalid>(Confirm(state, checkoutId, method: null).Refusal);
        Assert.Equal(new MoneyResult.NotFound(MissingThing.Customer), Confirm(Grains.Customers.CustomerState.New, checkoutId).Refusal);
    }

    [Fact]
    public void Settling_by_the_gateway_s_answer_moves_the_payment_and_its_money()
    {
        var (state, paymentId) = WithReservation(Shopper(daily: 10_000), 3_000);

        var succeeded = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.Succeeded("ch_1"), Now));
        var declined = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.Declined("card_declined"), Now));
        var stepUp = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.RequiresAction(), Now));

        Assert.Empty(PaymentDecider.Settle(state, paymentId, outcome: null, Now));
        Assert.Equal((PaymentStatus.Succeeded, 7_000L), (succeeded.Commerce.FindPayment(paymentId)!.Status, Daily(succeeded)));
        Assert.Equal((PaymentStatus.Declined, "card_declined", 10_000L),
            (declined.Commerce.FindPayment(paymentId)!.Status, declined.Commerce.FindPayment(paymentId)!.DeclineReason, Daily(declined)));
        Assert.Equal((PaymentStatus.RequiresAction, 7_000L), (stepUp.Commerce.FindPayment(paymentId)!.Status, Daily(stepUp)));
        Assert.Empty(PaymentDecider.Settle(succeeded, paymentId, new ChargeOutcome.Declined("late"), Now));
    }

    [Fact]
    public void A_wrong_step_up_code_keeps_the_payment_waiting_with_the_tries_the_issuer_still_takes()
    {
        var (state, paymentId) = WithReservation(Shopper(daily: 10_000), 3_000);
        state = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.RequiresAction(3), Now));

        var wrong = PaymentDecider.Settle(state, paymentId, new ChargeOutcome.RequiresAction(2), Now.AddMinutes(1));
        var afterWrong = Apply(state, wrong);

        Assert.Equal(new PaymentStepUpRequested(paymentId, 2) { At = Now.AddMinutes(1) }, Assert.Single(wrong));
        var payment = afterWrong.Commerce.FindPayment(paymentId)!;
        Assert.Equal((PaymentStatus.RequiresAction, (int?)2, 7_000L), (payment.Status, payment.StepUpTriesLeft, Daily(afterWrong)));
        Assert.Equal(CheckoutStatus.RequiresAction, afterWrong.Commerce.Checkouts[payment.CheckoutId].Status);
        // The same answer again (a retried request) changes nothing.
        Assert.Empty(PaymentDecider.Settle(afterWrong, paymentId, new ChargeOutcome.RequiresAction(2), Now.AddMinutes(2)));
    }

    [Fact]
    public void A_declined_checkout_can_be_confirmed_again_and_a_paid_one_empties_its_cart_lines()
    {
        var state = Shopper();
        var mug = Infrastructure.TestCatalog.Of(Infrastructure.TestCatalog.Item("mug", "Mug", 900));
        state = Apply(state, Grains.Carts.CartDecider.Put(state, 0, new Grains.Carts.CartItemDraft("mug", 1), mug, Now).Events);
        var created = CheckoutDecider.Create(state, "chk_cart", new CheckoutDraft(null, null), mug, "web", null, Rates, Offering, Lifetime, Now);
        state = Apply(state, created.Events);
        var reserved = Confirm(state, "chk_cart");
        state = Apply(state, reserved.Events);

        var declined = Apply(state, PaymentDecider.Settle(state, "pay_new", new ChargeOutcome.Declined("card_declined"), Now));
        var paid = Apply(state, PaymentDecider.Settle(state, "pay_new", new ChargeOutcome.Succeeded("ch_1"), Now));

        Assert.Equal((CheckoutStatus.RequiresConfirmation, (string?)null), (declined.Commerce.Checkouts["chk_cart"].Status, declined.Commerce.Checkouts["chk_cart"].PaymentId));
        Assert.Single(declined.Commerce.Cart.Lines);
        Assert.Empty(paid.Commerce.Cart.Lines);
        Assert.Equal(2, paid.Commerce.Cart.Version);
        Assert.Equal(Now, paid.Commerce.Wallet.Find(Visa)!.LastUsedAt);
    }

    [Fact]
    public void A_step_up_completes_the_same_payment_with_the_code_and_appends_nothing_first()
    {
        var (state, paymentId) = WithReservation(Shopper(), 3_000);
        state = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.RequiresAction(), Now));
        var checkoutId = state.Commerce.FindPayment(paymentId)!.CheckoutId;

        var completed = Confirm(state, checkoutId, method: null, code: "123456");

        Assert.Empty(completed.Events);
        Assert.Equal(new ChargeRequest(paymentId, CustomerId, "tok_visa", 3_000, "EUR", "123456"), completed.Charge);
        Assert.IsType<MoneyResult.Invalid>(Confirm(state, checkoutId, method: null, code: null).Refusal);
        Assert.IsType<MoneyResult.Invalid>(Confirm(state, checkoutId, method: "pm_other", code: "123456").Refusal);
    }

    [Fact]
    public void Reconciliation_settles_what_was_charged_and_releases_what_was_not()
    {
        var (state, paymentId) = WithReservation(Shopper(daily: 10_000), 3_000);
        var later = Now.AddMinutes(2);

        Assert.Equal([paymentId], PaymentDecider.Stale(state, later, TimeSpan.FromMinutes(1)).Select(payment => payment.Id));
        Assert.Empty(PaymentDecider.Stale(state, Now.AddSeconds(30), TimeSpan.FromMinutes(1)));
        var charged = Apply(state, PaymentDecider.Reconcile(state, paymentId, new ChargeOutcome.Succeeded("ch_1"), later));
        var never = Apply(state, PaymentDecider.Reconcile(state, paymentId, known: null, later));
        Assert.Equal((PaymentStatus.Succeeded, 7_000L), (charged.Commerce.FindPayment(paymentId)!.Status, Daily(charged)));
        Assert.Equal((PaymentStatus.Released, 10_000L), (never.Commerce.FindPayment(paymentId)!.Status, Daily(never)));
    }

    [Fact]
    public void A_step_up_never_completed_is_released_once_its_checkout_expires()
    {
        var (state, paymentId) = WithReservation(Shopper(), 3_000);
        state = Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.RequiresAction(), Now));

        Assert.Empty(PaymentDecider.Reconcile(state, paymentId, new ChargeOutcome.RequiresAction(), Now.AddMinutes(5)));
        Assert.IsType<PaymentReleased>(Assert.Single(PaymentDecider.Reconcile(state, paymentId, new ChargeOutcome.RequiresAction(), Now + Lifetime)));
    }

    private static long Daily(Grains.Customers.CustomerState state) =>
        SpendingPolicy.Headroom(state.Commerce.Limits, state.Commerce.Spend, Now, state.Zone).Single(room => room.Window == CapWindow.Daily).Remaining;
}
