using Actors.Grains.Payments;

namespace Actors.Tests.Payments;

public sealed class StepUpFailuresTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static StepUpFailures WrongCodesAt(params double[] minutes) =>
        minutes.Aggregate(StepUpFailures.None, (failures, minute) => failures.With(Start.AddMinutes(minute)));

    [Fact]
    public void Five_wrong_codes_within_the_window_lock_until_the_lock_time_after_the_last()
    {
        var failures = WrongCodesAt(0, 1, 2, 3, 4);

        Assert.Equal(Start.AddMinutes(4) + StepUpFailures.LockFor, failures.LockedUntil(Start.AddMinutes(4)));
        Assert.Null(failures.LockedUntil(Start.AddMinutes(4) + StepUpFailures.LockFor));
    }

    [Fact]
    public void Four_wrong_codes_or_five_spread_wider_than_the_window_do_not_lock()
    {
        Assert.Null(WrongCodesAt(0, 1, 2, 3).LockedUntil(Start.AddMinutes(3)));
        Assert.Null(WrongCodesAt(0, 5, 10, 15, 15.5).LockedUntil(Start.AddMinutes(16)));
    }

    [Fact]
    public void Only_the_latest_codes_are_kept()
    {
        var failures = WrongCodesAt(0, 1, 2, 3, 4, 5, 6, 7);

        Assert.Equal(StepUpFailures.MaxWrongCodes, failures.Recent.Count);
        Assert.Equal(Start.AddMinutes(3), failures.Recent[0]);
    }

    [Fact]
    public void A_code_is_wrong_when_a_waiting_payment_has_fewer_tries_left_or_is_declined_for_failed_authentication()
    {
        var waiting = Waiting(triesLeft: 3);

        Assert.True(StepUpFailures.IsWrongCode(waiting, new PaymentStepUpRequested(waiting.Id, 2), null));
        Assert.False(StepUpFailures.IsWrongCode(waiting, new PaymentStepUpRequested(waiting.Id, 3), null));
        Assert.True(StepUpFailures.IsWrongCode(waiting, null, new PaymentDeclined(waiting.Id, StepUpFailures.AuthenticationFailed)));
        Assert.False(StepUpFailures.IsWrongCode(waiting, null, new PaymentDeclined(waiting.Id, "card_declined")));
        // The first challenge of a payment is no wrong code.
        Assert.False(StepUpFailures.IsWrongCode(waiting with { Status = PaymentStatus.Processing }, new PaymentStepUpRequested(waiting.Id, 3), null));
    }

    private static Payment Waiting(int triesLeft) => new(
        "pay_0123456789abcdefghjk", "chk_0123456789abcdefghjk", 1_500, "EUR", 1_500, "EUR", "pm_0123456789abcdefghjk", "tok_stepUpRequired",
        "visa", "4242", "web", "Coffee", PaymentStatus.RequiresAction, null, 0, Start, Start, triesLeft);
}
