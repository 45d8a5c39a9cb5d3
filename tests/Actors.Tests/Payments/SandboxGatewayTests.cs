using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Silo.Hosting;
using Actors.Silo.Payments;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Payments;

/// <summary>One migrated database for a test class; each test uses ids of its own in it.</summary>
public sealed class PaymentsStoreFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = null!;
    public SiloDatabase Database { get; private set; } = null!;
    public StoredData Stored => new(ConnectionString);

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.Instance.CreateDatabase();
        Database = SiloDatabase.Create(ConnectionString);
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public sealed class SandboxGatewayTests : IClassFixture<PaymentsStoreFixture>
{
    private readonly PaymentsStoreFixture store;

    // The sandbox waits on this clock; it moves only when a test moves it.
    private readonly WatchedClock clock = new();
    private readonly SandboxGateway gateway;

    public SandboxGatewayTests(PaymentsStoreFixture store)
    {
        this.store = store;
        gateway = new SandboxGateway(store.Database, clock);
    }

    private static ChargeRequest Request(string token, string? paymentId = null, long amount = 1_000, string? stepUpCode = null) =>
        new(paymentId ?? NewPaymentId(), CustomerId.New(), token, amount, "EUR", stepUpCode);

    private static string NewPaymentId() => "pay_" + Guid.NewGuid().ToString("N");

    private static string NewRefundId() => "re_" + Guid.NewGuid().ToString("N");

    private async Task<string> Succeed(long amount)
    {
        var request = Request(SandboxTokens.Visa, amount: amount);
        Assert.IsType<ChargeOutcome.Succeeded>(await gateway.Charge(request, CancellationToken.None));
        return request.PaymentId;
    }

    [Theory]
    [InlineData(SandboxTokens.Visa)]
    [InlineData(SandboxTokens.Mastercard)]
    public async Task Good_card_tokens_succeed_with_a_charge_id(string token)
    {
        var outcome = await gateway.Charge(Request(token), CancellationToken.None);

        var succeeded = Assert.IsType<ChargeOutcome.Succeeded>(outcome);
        Assert.StartsWith("ch_", succeeded.ChargeId);
    }

    [Theory]
    [InlineData(SandboxTokens.ChargeDeclined, "card_declined")]
    [InlineData(SandboxTokens.InsufficientFunds, "insufficient_funds")]
    [InlineData("tok_unheardOf", "invalid_token")]
    [InlineData("4242424242424242", "invalid_token")]
    public async Task Declining_tokens_are_declined_with_their_reason_and_stay_declined(string token, string reason)
    {
        var request = Request(token);

        var first = await gateway.Charge(request, CancellationToken.None);
        var found = await gateway.Find(request.PaymentId, CancellationToken.None);

        Assert.Equal(new ChargeOutcome.Declined(reason), first);
        Assert.Equal(first, found);
    }

    [Fact]
    public async Task Step_up_token_requires_action_until_a_code_arrives_and_the_right_code_completes_the_charge()
    {
        var request = Request(SandboxTokens.StepUpRequired);

        var challenged = await gateway.Charge(request, CancellationToken.None);
        var askedAgain = await gateway.Charge(request, CancellationToken.None);
        var completed = await gateway.Charge(request with { StepUpCode = SandboxGateway.StepUpCode }, CancellationToken.None);
        var afterwards = await gateway.Charge(request with { StepUpCode = "000000" }, CancellationToken.None);

        Assert.IsType<ChargeOutcome.RequiresAction>(challenged);
        Assert.IsType<ChargeOutcome.RequiresAction>(askedAgain);
        Assert.IsType<ChargeOutcome.Succeeded>(completed);
        Assert.Equal(completed, afterwards);
        Assert.Equal(completed, await gateway.Find(request.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task A_wrong_step_up_code_leaves_the_charge_waiting_with_one_try_less_and_the_right_code_then_completes_it()
    {
        var request = Request(SandboxTokens.StepUpRequired);
        var challenged = await gateway.Charge(request, CancellationToken.None);

        var wrong = await gateway.Charge(request with { StepUpCode = "654321" }, CancellationToken.None);
        var right = await gateway.Charge(request with { StepUpCode = SandboxGateway.StepUpCode }, CancellationToken.None);

        Assert.Equal(new ChargeOutcome.RequiresAction(3), challenged);
        Assert.Equal(new ChargeOutcome.RequiresAction(2), wrong);
        Assert.IsType<ChargeOutcome.Succeeded>(right);
        Assert.Equal(right, await gateway.Find(request.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task Three_wrong_step_up_codes_decline_the_charge_for_good()
    {
        var request = Request(SandboxTokens.StepUpRequired);
        await gateway.Charge(request, CancellationToken.None);

        var first = await gateway.Charge(request with { StepUpCode = "000001" }, CancellationToken.None);
        var second = await gateway.Charge(request with { StepUpCode = "000002" }, CancellationToken.None);
        var third = await gateway.Charge(request with { StepUpCode = "000003" }, CancellationToken.None);
        var rightTooLate = await gateway.Charge(request with { StepUpCode = SandboxGateway.StepUpCode }, CancellationToken.None);

        Assert.Equal(new ChargeOutcome.RequiresAction(2), first);
        Assert.Equal(new ChargeOutcome.RequiresAction(1), second);
        Assert.Equal(new ChargeOutcome.Declined("authentication_failed"), third);
        Assert.Equal(third, rightTooLate);
        Assert.Equal(third, await gateway.Find(request.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task A_step_up_code_sent_before_the_challenge_does_not_complete_it()
    {
        var request = Request(SandboxTokens.StepUpRequired, stepUpCode: SandboxGateway.StepUpCode);

        var outcome = await gateway.Charge(request, CancellationToken.None);

        Assert.IsType<ChargeOutcome.RequiresAction>(outcome);
    }

    [Fact]
    public async Task Slow_token_does_not_answer_before_its_delay_and_succeeds_once_the_clock_has_moved_past_it()
    {
        var request = Request(SandboxTokens.Slow);

        var charge = gateway.Charge(request, CancellationToken.None);
        var delay = await clock.NextTimer();
        clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(2), delay.DueTime);
        Assert.False(delay.HasFired);
        Assert.False(charge.IsCompleted);
        Assert.Null(await gateway.Find(request.PaymentId, CancellationToken.None));

        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(delay.HasFired);
        Assert.IsType<ChargeOutcome.Succeeded>(await charge);
        Assert.IsType<ChargeOutcome.Succeeded>(await gateway.Find(request.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task Slow_token_gives_up_when_the_caller_cancels_during_the_delay_and_charges_nothing()
    {
        var request = Request(SandboxTokens.Slow);
        using var caller = new CancellationTokenSource();

        var charge = gateway.Charge(request, caller.Token);
        var delay = await clock.NextTimer();
        caller.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => charge);
        Assert.False(delay.HasFired);
        Assert.Null(await gateway.Find(request.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task Timeout_token_charges_but_never_answers_until_the_caller_gives_up_and_find_reports_the_charge()
    {
        var request = Request(SandboxTokens.Timeout);
        using var caller = new CancellationTokenSource();

        var charge = gateway.Charge(request, caller.Token);
        var found = await Eventually.Get(() => gateway.Find(request.PaymentId, CancellationToken.None), outcome => outcome is not null);
        clock.Advance(TimeSpan.FromDays(1));

        Assert.IsType<ChargeOutcome.Succeeded>(found);
        Assert.False(charge.IsCompleted);

        caller.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => charge);
        Assert.Equal(found, await gateway.Charge(request, CancellationToken.None));
    }

    [Fact]
    public async Task Find_answers_null_for_a_payment_never_charged()
    {
        Assert.Null(await gateway.Find(NewPaymentId(), CancellationToken.None));
    }

    [Fact]
    public async Task Twenty_concurrent_charges_of_one_payment_from_two_processes_make_one_charge_and_agree()
    {
        await using var otherProcess = SiloDatabase.Create(store.ConnectionString);
        var otherGateway = new SandboxGateway(otherProcess, TimeProvider.System);
        var request = Request(SandboxTokens.Visa);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? gateway : otherGateway).Charge(request, CancellationToken.None))));

        Assert.IsType<ChargeOutcome.Succeeded>(outcomes[0]);
        Assert.All(outcomes, outcome => Assert.Equal(outcomes[0], outcome));
        Assert.Equal(1, await store.Stored.Scalar("SELECT count(*) FROM sandbox_charges WHERE payment_id = @id", ("id", request.PaymentId)));
    }

    [Fact]
    public async Task Concurrent_wrong_step_up_codes_are_counted_one_by_one_and_decline_the_charge_once()
    {
        var request = Request(SandboxTokens.StepUpRequired);
        await gateway.Charge(request, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            gateway.Charge(request with { StepUpCode = $"99999{i}" }, CancellationToken.None))));

        // Each try is counted once, whatever the race: two are answered with tries left, the rest see the decline.
        Assert.Equal([1, 2], outcomes.OfType<ChargeOutcome.RequiresAction>().Select(outcome => outcome.TriesLeft!.Value).Order());
        Assert.Equal(8, outcomes.Count(outcome => outcome == new ChargeOutcome.Declined("authentication_failed")));
        Assert.Equal(3, await store.Stored.Scalar("SELECT step_up_failures FROM sandbox_charges WHERE payment_id = @id", ("id", request.PaymentId)));
    }

    [Fact]
    public async Task Concurrent_right_step_up_codes_complete_the_charge_once()
    {
        var request = Request(SandboxTokens.StepUpRequired);
        await gateway.Charge(request, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            gateway.Charge(request with { StepUpCode = SandboxGateway.StepUpCode }, CancellationToken.None))));

        Assert.IsType<ChargeOutcome.Succeeded>(outcomes[0]);
        Assert.All(outcomes, outcome => Assert.Equal(outcomes[0], outcome));
    }

    [Fact]
    public async Task Refunds_up_to_the_charged_amount_pass_and_one_more_minor_unit_is_rejected()
    {
        var paymentId = await Succeed(1_000);

        var part = await gateway.Refund(new RefundRequest(NewRefundId(), paymentId, 400, "EUR"), CancellationToken.None);
        var rest = await gateway.Refund(new RefundRequest(NewRefundId(), paymentId, 600, "eur"), CancellationToken.None);
        var beyond = await gateway.Refund(new RefundRequest(NewRefundId(), paymentId, 1, "EUR"), CancellationToken.None);

        Assert.IsType<RefundOutcome.Refunded>(part);
        Assert.IsType<RefundOutcome.Refunded>(rest);
        Assert.Equal(new RefundOutcome.Rejected("exceeds_captured"), beyond);
    }

    [Fact]
    public async Task Concurrent_refunds_never_add_up_to_more_than_the_charge()
    {
        var paymentId = await Succeed(1_000);
        await using var otherProcess = SiloDatabase.Create(store.ConnectionString);
        var otherGateway = new SandboxGateway(otherProcess, TimeProvider.System);

        // 20 refunds of 300 race for 1000: exactly three fit.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? gateway : otherGateway).Refund(new RefundRequest(NewRefundId(), paymentId, 300, "EUR"), CancellationToken.None))));

        Assert.Equal(3, outcomes.Count(outcome => outcome is RefundOutcome.Refunded));
        Assert.All(outcomes.Where(outcome => outcome is not RefundOutcome.Refunded),
            outcome => Assert.Equal(new RefundOutcome.Rejected("exceeds_captured"), outcome));
        Assert.Equal(900, await store.Stored.GatewayRefundedOf(paymentId));
    }

    [Fact]
    public async Task A_refund_id_refunds_once_however_often_and_however_concurrently_it_is_sent()
    {
        var paymentId = await Succeed(1_000);
        var refund = new RefundRequest(NewRefundId(), paymentId, 1_000, "EUR");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => gateway.Refund(refund, CancellationToken.None))));
        var later = await gateway.Refund(refund, CancellationToken.None);

        Assert.All(outcomes, outcome => Assert.IsType<RefundOutcome.Refunded>(outcome));
        Assert.IsType<RefundOutcome.Refunded>(later);
        Assert.Equal(1, await store.Stored.GatewayRefundsOf(paymentId));
    }

    [Fact]
    public async Task A_refund_id_reused_for_another_amount_or_payment_is_rejected()
    {
        var first = await Succeed(1_000);
        var second = await Succeed(1_000);
        var refundId = NewRefundId();
        await gateway.Refund(new RefundRequest(refundId, first, 100, "EUR"), CancellationToken.None);

        var otherAmount = await gateway.Refund(new RefundRequest(refundId, first, 200, "EUR"), CancellationToken.None);
        var otherPayment = await gateway.Refund(new RefundRequest(refundId, second, 100, "EUR"), CancellationToken.None);

        Assert.Equal(new RefundOutcome.Rejected("refund_id_reused"), otherAmount);
        Assert.Equal(new RefundOutcome.Rejected("refund_id_reused"), otherPayment);
    }

    [Fact]
    public async Task Refunds_of_unknown_or_uncaptured_charges_are_rejected()
    {
        var declined = Request(SandboxTokens.ChargeDeclined);
        await gateway.Charge(declined, CancellationToken.None);
        var challenged = Request(SandboxTokens.StepUpRequired);
        await gateway.Charge(challenged, CancellationToken.None);

        Assert.Equal(new RefundOutcome.Rejected("charge_not_found"),
            await gateway.Refund(new RefundRequest(NewRefundId(), NewPaymentId(), 100, "EUR"), CancellationToken.None));
        Assert.Equal(new RefundOutcome.Rejected("not_captured"),
            await gateway.Refund(new RefundRequest(NewRefundId(), declined.PaymentId, 100, "EUR"), CancellationToken.None));
        Assert.Equal(new RefundOutcome.Rejected("not_captured"),
            await gateway.Refund(new RefundRequest(NewRefundId(), challenged.PaymentId, 100, "EUR"), CancellationToken.None));
    }

    [Fact]
    public async Task Refunds_in_another_currency_or_of_nothing_are_rejected()
    {
        var paymentId = await Succeed(1_000);

        Assert.Equal(new RefundOutcome.Rejected("currency_mismatch"),
            await gateway.Refund(new RefundRequest(NewRefundId(), paymentId, 100, "USD"), CancellationToken.None));
        Assert.Equal(new RefundOutcome.Rejected("invalid_amount"),
            await gateway.Refund(new RefundRequest(NewRefundId(), paymentId, 0, "EUR"), CancellationToken.None));
    }

    [Fact]
    public async Task A_charge_of_no_money_is_declined_without_a_charge()
    {
        var request = Request(SandboxTokens.Visa, amount: 0);

        Assert.Equal(new ChargeOutcome.Declined("invalid_amount"), await gateway.Charge(request, CancellationToken.None));
        Assert.Null(await gateway.Find(request.PaymentId, CancellationToken.None));
    }
}
