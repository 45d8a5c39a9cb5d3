using Actors.Grains.Payments;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Deciders;

public sealed class RefundDeciderTests
{
    private static RefundDecision Request(Grains.Customers.CustomerState state, string paymentId, long? amount, string refundId = "re_1") =>
        RefundDecider.Request(state, paymentId, refundId, new RefundDraft(amount, "damaged"), Now);

    [Fact]
    public void A_refund_is_recorded_before_the_gateway_is_asked()
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);

        var decision = Request(state, paymentId, 2_000);

        var requested = Assert.IsType<RefundRequested>(Assert.Single(decision.Events));
        Assert.Equal(new Refund("re_1", paymentId, 2_000, "EUR", "damaged", Now), requested.Refund);
        Assert.Equal(new RefundRequest("re_1", paymentId, 2_000, "EUR"), decision.Ask);
        Assert.Null(decision.Answer);
    }

    [Fact]
    public void Refunds_still_being_decided_count_against_what_can_be_refunded()
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);
        state = Apply(state, Request(state, paymentId, 3_000).Events);

        var tooMuch = Request(state, paymentId, 2_001, "re_2");
        var rest = Request(state, paymentId, null, "re_2");

        Assert.Equal(new MoneyResult.RefundExceedsCaptured(2_000, "EUR"), tooMuch.Answer);
        Assert.Equal(2_000, Assert.IsType<RefundRequested>(Assert.Single(rest.Events)).Refund.Amount);
    }

    [Fact]
    public void A_retry_of_a_pending_refund_asks_again_for_the_same_one_and_records_nothing_new()
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);
        state = Apply(state, Request(state, paymentId, 3_000).Events);

        var again = Request(state, paymentId, 3_000);
        var all = Request(state, paymentId, null);
        var other = Request(state, paymentId, 1_000);

        Assert.Empty(again.Events);
        Assert.Equal(new RefundRequest("re_1", paymentId, 3_000, "EUR"), again.Ask);
        Assert.Equal(again.Ask, all.Ask);
        Assert.Equal(new MoneyResult.IdempotencyMismatch(), other.Answer);
    }

    [Fact]
    public void The_gateway_s_answer_completes_the_refund_and_a_retry_then_gets_that_answer()
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);
        state = Apply(state, Request(state, paymentId, 3_000).Events);

        var refunded = Apply(state, RefundDecider.Complete(state, "re_1", new RefundOutcome.Refunded(), Now));
        var rejected = Apply(state, RefundDecider.Complete(state, "re_1", new RefundOutcome.Rejected("exceeds_captured"), Now));

        Assert.Empty(RefundDecider.Complete(state, "re_1", outcome: null, Now));
        Assert.IsType<MoneyResult.GatewayUnavailable>(RefundDecider.Answer(state, "re_1"));
        var answer = Assert.IsType<MoneyResult.Refunded>(RefundDecider.Answer(refunded, "re_1"));
        Assert.Equal((3_000L, 2_000L), (answer.Payment.Refunded, answer.Payment.Refundable));
        Assert.Equal(answer, Request(refunded, paymentId, 3_000).Answer);
        Assert.Empty(RefundDecider.Complete(refunded, "re_1", new RefundOutcome.Refunded(), Now));
        Assert.Equal(new MoneyResult.RefundExceedsCaptured(5_000, "EUR"), RefundDecider.Answer(rejected, "re_1"));
        Assert.Equal(0, rejected.Commerce.FindPayment(paymentId)!.Refunded);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1_000_000_000_000_001L)]
    public void Amounts_out_of_range_are_invalid(long amount)
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);

        Assert.IsType<MoneyResult.Invalid>(Request(state, paymentId, amount).Answer);
    }

    [Fact]
    public void Payments_not_captured_or_unknown_cannot_be_refunded()
    {
        var (state, processing) = WithReservation(Shopper(), 5_000);

        Assert.Equal(new MoneyResult.RefundExceedsCaptured(0, "EUR"), Request(state, processing, null).Answer);
        Assert.Equal(new MoneyResult.NotFound(MissingThing.Payment), Request(state, "pay_unknown", null).Answer);
    }

    [Fact]
    public void Refunds_pending_for_long_enough_are_asked_about_again()
    {
        var (state, paymentId) = WithPayment(Shopper(), 5_000);
        state = Apply(state, Request(state, paymentId, 3_000).Events);

        Assert.Empty(RefundDecider.Stale(state, Now.AddSeconds(30), TimeSpan.FromMinutes(1)));
        Assert.Equal(["re_1"], RefundDecider.Stale(state, Now.AddMinutes(1), TimeSpan.FromMinutes(1)).Select(refund => refund.Id));
    }
}
