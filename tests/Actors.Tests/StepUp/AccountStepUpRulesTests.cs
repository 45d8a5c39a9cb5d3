using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.StepUp;

public sealed class AccountStepUpRulesTests
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);
    private static readonly Caller Phone = new("phone-1", Channels.Mobile, null, ByCustomer: true);
    private static readonly Caller Laptop = new("laptop-1", Channels.Web, null, ByCustomer: true);

    private readonly FakeTimeProvider clock = new(Now);

    private DateTimeOffset At => clock.GetUtcNow();

    /// <summary>Asks for a code for <paramref name="device"/> and answers the state with it issued, and the code.</summary>
    private (CustomerState State, string Code) Challenged(CustomerState state, string device, string code = "123456")
    {
        var decision = AccountStepUpDecider.Challenge(state, device, code, At);
        Assert.Equal(new AccountStepUpResult.Challenged(StepUpMethods.Code, At + TimeSpan.FromMinutes(10)), decision.Answer);
        return (Apply(state, decision.Events), code);
    }

    private Decision<AccountStepUpResult> Verify(CustomerState state, string device, string code) =>
        AccountStepUpDecider.Verify(state, device, code, At, FreshFor);

    private CustomerState SteppedUp(CustomerState state, Caller caller)
    {
        var (challenged, code) = Challenged(state, caller.DeviceId);
        var verified = Verify(challenged, caller.DeviceId, code);
        Assert.IsType<AccountStepUpResult.Verified>(verified.Answer);
        return Apply(challenged, verified.Events);
    }

    /// <summary>A customer who enrolled an authenticator app with the returned secret (stepping up by code to do so).</summary>
    private (CustomerState State, string Secret) WithTotp()
    {
        var state = SteppedUp(Shopper(), Phone);
        var started = AccountStepUpDecider.StartTotp(state, StepUpRules.NewTotpSecret(), StepUpStanding.Satisfied, At);
        var secret = Assert.IsType<AccountStepUpResult.TotpEnrolment>(started.Answer).Secret;
        state = Apply(state, started.Events);
        clock.Advance(TimeSpan.FromSeconds(30));
        var confirmed = AccountStepUpDecider.ConfirmTotp(state, Phone.DeviceId, TotpCode(secret, At), At, FreshFor);
        Assert.IsType<AccountStepUpResult.Verified>(confirmed.Answer);
        return (Apply(state, confirmed.Events), secret);
    }

    private static string TotpCode(string secret, DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(at.UtcDateTime);

    [Fact]
    public void A_step_up_is_fresh_for_its_device_until_the_fresh_time_has_passed()
    {
        var state = SteppedUp(Shopper(), Phone);

        Assert.True(StepUpRules.Standing(state, Phone, At, FreshFor).IsSatisfied);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True(StepUpRules.Standing(state, Phone, At, FreshFor).IsSatisfied);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new StepUpStanding(StepUpMethods.Code), StepUpRules.Standing(state, Phone, At, FreshFor));
    }

    [Fact]
    public void Another_devices_step_up_does_not_count()
    {
        var state = SteppedUp(Shopper(), Phone);

        Assert.Equal(new StepUpStanding(StepUpMethods.Code), StepUpRules.Standing(state, Laptop, At, FreshFor));
    }

    [Fact]
    public void Staff_and_calls_from_inside_the_cluster_need_no_step_up()
    {
        var state = Shopper();

        Assert.True(StepUpRules.Standing(state, Phone with { ByCustomer = false }, At, FreshFor).IsSatisfied);
        Assert.True(StepUpRules.Standing(state, null, At, FreshFor).IsSatisfied);
        Assert.False(StepUpRules.Standing(state, Phone, At, FreshFor).IsSatisfied);
    }

    [Fact]
    public void A_one_time_code_works_once()
    {
        var (state, code) = Challenged(Shopper(), Phone.DeviceId);
        var first = Verify(state, Phone.DeviceId, code);
        Assert.Equal(new AccountStepUpResult.Verified(StepUpMethods.Code, At + FreshFor), first.Answer);
        state = Apply(state, first.Events);

        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Phone.DeviceId, code).Answer);
    }

    [Fact]
    public void A_one_time_code_expires_after_ten_minutes()
    {
        var (state, code) = Challenged(Shopper(), Phone.DeviceId);
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Phone.DeviceId, code).Answer);
    }

    [Fact]
    public void A_one_time_code_works_only_on_the_device_that_asked_for_it_and_only_the_latest()
    {
        var (state, first) = Challenged(Shopper(), Phone.DeviceId, "111111");
        (state, var second) = Challenged(state, Phone.DeviceId, "222222");

        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Laptop.DeviceId, second).Answer);
        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Phone.DeviceId, first).Answer);
        Assert.IsType<AccountStepUpResult.Verified>(Verify(state, Phone.DeviceId, second).Answer);
    }

    [Fact]
    public void A_code_is_kept_only_as_a_hash()
    {
        var decision = AccountStepUpDecider.Challenge(Shopper(), Phone.DeviceId, "654321", At);

        var issued = Assert.IsType<OneTimeCodeIssued>(Assert.Single(decision.Events));
        Assert.DoesNotContain("654321", issued.Code.Hash);
        Assert.Equal(64, issued.Code.Hash.Length);
    }

    [Fact]
    public void Enrolling_an_authenticator_app_needs_a_step_up_and_then_the_app_is_the_method()
    {
        var refused = AccountStepUpDecider.StartTotp(Shopper(), StepUpRules.NewTotpSecret(), new StepUpStanding(StepUpMethods.Code), At);
        Assert.Equal(new AccountStepUpResult.StepUpRequired(StepUpMethods.Code), refused.Answer);
        Assert.Empty(refused.Events);

        var (state, _) = WithTotp();

        Assert.Equal(StepUpMethods.Totp, state.StepUp.Method);
        Assert.Equal(new AccountStepUpResult.Challenged(StepUpMethods.Totp, null), AccountStepUpDecider.Challenge(state, Phone.DeviceId, "123456", At).Answer);
        Assert.Equal(new StepUpStanding(StepUpMethods.Totp), StepUpRules.Standing(state, Laptop, At, FreshFor));
    }

    [Fact]
    public void An_app_code_of_the_step_before_or_after_counts_but_not_two_steps_away()
    {
        var (state, secret) = WithTotp();
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.IsType<AccountStepUpResult.Verified>(Verify(state, Laptop.DeviceId, TotpCode(secret, At.AddSeconds(-30))).Answer);
        Assert.IsType<AccountStepUpResult.Verified>(Verify(state, Laptop.DeviceId, TotpCode(secret, At.AddSeconds(30))).Answer);
        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Laptop.DeviceId, TotpCode(secret, At.AddSeconds(-90))).Answer);
    }

    [Fact]
    public void An_app_code_is_not_accepted_twice()
    {
        var (state, secret) = WithTotp();
        clock.Advance(TimeSpan.FromMinutes(2));
        var code = TotpCode(secret, At);
        var first = Verify(state, Laptop.DeviceId, code);
        Assert.IsType<AccountStepUpResult.Verified>(first.Answer);
        state = Apply(state, first.Events);

        Assert.IsType<AccountStepUpResult.WrongCode>(Verify(state, Phone.DeviceId, code).Answer);
    }

    [Fact]
    public void Five_wrong_codes_within_fifteen_minutes_lock_step_up_for_fifteen_minutes()
    {
        var (state, code) = Challenged(Shopper(), Phone.DeviceId);
        for (var wrong = 1; wrong <= 4; wrong++)
        {
            var decision = Verify(state, Phone.DeviceId, "000000");
            Assert.IsType<AccountStepUpResult.WrongCode>(decision.Answer);
            state = Apply(state, decision.Events);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        var fifth = Verify(state, Phone.DeviceId, "000000");
        Assert.Equal(new AccountStepUpResult.Locked(At + TimeSpan.FromMinutes(15)), fifth.Answer);
        state = Apply(state, fifth.Events);

        var locked = Verify(state, Phone.DeviceId, code);
        Assert.Equal(new AccountStepUpResult.Locked(At + TimeSpan.FromMinutes(15)), locked.Answer);
        Assert.Empty(locked.Events);
        Assert.IsType<AccountStepUpResult.Locked>(AccountStepUpDecider.Challenge(state, Phone.DeviceId, "123456", At).Answer);

        clock.Advance(TimeSpan.FromMinutes(15));
        (state, code) = Challenged(state, Phone.DeviceId, "777777");
        Assert.IsType<AccountStepUpResult.Verified>(Verify(state, Phone.DeviceId, code).Answer);
    }

    [Fact]
    public void Raising_or_removing_a_cap_needs_a_step_up_but_lowering_does_not()
    {
        var state = Shopper(daily: 5_000);
        var needed = new StepUpStanding(StepUpMethods.Code);

        var raise = LimitsDecider.Set(state, new CapRequest(9_000, null, null), At, TimeSpan.FromHours(24), needed);
        var remove = LimitsDecider.Set(state, new CapRequest(null, null, null), At, TimeSpan.FromHours(24), needed);
        var lower = LimitsDecider.Set(state, new CapRequest(3_000, 20_000, null), At, TimeSpan.FromHours(24), needed);

        Assert.Equal(new LimitsResult.StepUpRequired(StepUpMethods.Code), raise.Answer);
        Assert.Empty(raise.Events);
        Assert.Equal(new LimitsResult.StepUpRequired(StepUpMethods.Code), remove.Answer);
        Assert.Empty(remove.Events);
        Assert.IsType<LimitsResult.Current>(lower.Answer);
        Assert.Single(lower.Events);
    }

    [Fact]
    public void A_new_payment_method_needs_a_step_up_but_saving_one_already_saved_does_not()
    {
        var state = Shopper();
        var needed = new StepUpStanding(StepUpMethods.Code);

        var added = WalletDecider.Add(state, "pm_new", new PaymentMethodDraft("tok_mastercard", "mastercard", "4444", 12, 2030, "DE", false), At, needed);
        var again = WalletDecider.Add(state, "pm_again", new PaymentMethodDraft("tok_visa", "visa", "4242", 12, 2030, "DE", false), At, needed);

        Assert.Equal(new WalletResult.StepUpRequired(StepUpMethods.Code), added.Answer);
        Assert.Empty(added.Events);
        Assert.IsType<WalletResult.Saved>(again.Answer);
    }

    [Fact]
    public void A_new_email_or_phone_needs_a_step_up_but_a_new_name_does_not()
    {
        var state = Shopper();
        var needed = new StepUpStanding(StepUpMethods.Code);

        var email = ProfileDecider.Update(state, 1, new ProfilePatch { Email = new("grace@example.com") }, At, needed);
        var phone = ProfileDecider.Update(state, 1, new ProfilePatch { Phone = new("+4915112345678") }, At, needed);
        var name = ProfileDecider.Update(state, 1, new ProfilePatch { DisplayName = new("Grace Murray Hopper") }, At, needed);

        Assert.Equal(new ProfileResult.StepUpRequired(StepUpMethods.Code), email.Answer);
        Assert.Empty(email.Events);
        Assert.Equal(new ProfileResult.StepUpRequired(StepUpMethods.Code), phone.Answer);
        Assert.IsType<ProfileResult.Found>(name.Answer);
        Assert.NotEmpty(name.Events);
    }
}
