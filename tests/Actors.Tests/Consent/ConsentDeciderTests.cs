using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Sessions;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Consent;

public sealed class ConsentDeciderTests
{
    private static CustomerState Decide(CustomerState state, ConsentPurpose purpose, bool granted, string policyVersion = "2026-01",
        string channel = Channels.Web, DateTimeOffset? at = null) =>
        Apply(state, ConsentDecider.Record(state, purpose, new ConsentDraft(granted, policyVersion), channel, "phone-1", at ?? Now).Events);

    [Fact]
    public void Every_purpose_is_denied_until_the_customer_grants_it()
    {
        var gate = ConsentGate.Of(Shopper());

        Assert.All(ConsentPurposes.All, purpose => Assert.False(gate.Allows(purpose)));
        Assert.Empty(gate.Allowed);
    }

    [Fact]
    public void A_grant_is_recorded_with_its_time_channel_device_and_policy_version()
    {
        var state = Shopper();

        var decision = ConsentDecider.Record(state, ConsentPurpose.Marketing, new ConsentDraft(true, "v3.1"), Channels.Mobile, "phone-1", Now);

        var recorded = Assert.IsType<ConsentRecorded>(Assert.Single(decision.Events));
        Assert.Equal(new ConsentDecision(ConsentPurpose.Marketing, true, "v3.1", Now, Channels.Mobile, "phone-1"), recorded.Decision);
        var answer = Assert.IsType<ConsentResult.Current>(decision.Answer);
        Assert.Equal(recorded.Decision, answer.Consents.LatestFor(ConsentPurpose.Marketing));
        Assert.Null(answer.Consents.LatestFor(ConsentPurpose.Location));
        var gate = ConsentGate.Of(Apply(state, decision.Events));
        Assert.Equal([ConsentPurpose.Marketing], gate.Allowed);
    }

    [Fact]
    public void The_same_decision_under_the_same_policy_version_appends_nothing_and_answers_the_same()
    {
        var state = Decide(Shopper(), ConsentPurpose.Location, granted: true, "v1");

        var again = ConsentDecider.Record(state, ConsentPurpose.Location, new ConsentDraft(true, "v1"), Channels.Pos, "till-7", Now.AddHours(1));

        Assert.Empty(again.Events);
        var answer = Assert.IsType<ConsentResult.Current>(again.Answer);
        Assert.Equal(new ConsentDecision(ConsentPurpose.Location, true, "v1", Now, Channels.Web, "phone-1"), answer.Consents.LatestFor(ConsentPurpose.Location));
    }

    [Fact]
    public void A_grant_under_a_new_policy_version_is_a_new_decision()
    {
        var state = Decide(Shopper(), ConsentPurpose.Analytics, granted: true, "v1");

        var renewed = ConsentDecider.Record(state, ConsentPurpose.Analytics, new ConsentDraft(true, "v2"), Channels.Web, "laptop", Now.AddDays(1));

        var recorded = Assert.IsType<ConsentRecorded>(Assert.Single(renewed.Events));
        Assert.Equal("v2", recorded.PolicyVersion);
    }

    [Fact]
    public void A_withdrawal_denies_the_purpose_and_keeps_the_others()
    {
        var state = Decide(Decide(Shopper(), ConsentPurpose.Personalization, granted: true), ConsentPurpose.Marketing, granted: true);

        state = Decide(state, ConsentPurpose.Personalization, granted: false, at: Now.AddMinutes(5));

        var gate = ConsentGate.Of(state);
        Assert.False(gate.Allows(ConsentPurpose.Personalization));
        Assert.True(gate.Allows(ConsentPurpose.Marketing));
        Assert.Equal(new ConsentDecision(ConsentPurpose.Personalization, false, "2026-01", Now.AddMinutes(5), Channels.Web, "phone-1"),
            state.Consents.LatestFor(ConsentPurpose.Personalization));
    }

    [Fact]
    public void A_purpose_this_version_does_not_know_is_refused_and_never_allowed()
    {
        var state = Shopper();
        var unknown = (ConsentPurpose)99;

        var decision = ConsentDecider.Record(state, unknown, new ConsentDraft(true, "v1"), Channels.Web, "phone-1", Now);

        Assert.Empty(decision.Events);
        Assert.IsType<ConsentResult.UnknownPurpose>(decision.Answer);
        // A decision stored by a later version about a purpose this one does not know still reads as denied.
        var later = Apply(state, [new ConsentRecorded(unknown, true, "v1", Channels.Web, "phone-1") { At = Now }]);
        Assert.False(ConsentGate.Of(later).Allows(unknown));
        Assert.Empty(ConsentGate.Of(later).Allowed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" v1")]
    [InlineData("v1 ")]
    [InlineData("v1\n")]
    [InlineData("v\u00001")]
    [InlineData("v\u202e1")]
    [InlineData("versión-1")]
    [InlineData("v12345678901234567890123456789012345678901234567890123456789012345")]
    public void A_policy_version_must_be_short_printable_text(string? policyVersion)
    {
        var decision = ConsentDecider.Record(Shopper(), ConsentPurpose.Marketing, new ConsentDraft(true, policyVersion), Channels.Web, "phone-1", Now);

        Assert.Empty(decision.Events);
        var invalid = Assert.IsType<ConsentResult.Invalid>(decision.Answer);
        Assert.Equal(["policyVersion"], invalid.Errors.Keys);
    }

    [Fact]
    public void A_decision_must_say_whether_it_grants_or_withdraws()
    {
        var decision = ConsentDecider.Record(Shopper(), ConsentPurpose.Marketing, new ConsentDraft(null, "v1"), Channels.Web, "phone-1", Now);

        Assert.Empty(decision.Events);
        Assert.Equal(["granted"], Assert.IsType<ConsentResult.Invalid>(decision.Answer).Errors.Keys);
    }

    [Fact]
    public void No_consent_is_recorded_for_a_customer_that_does_not_exist()
    {
        var decision = ConsentDecider.Record(CustomerState.New, ConsentPurpose.Marketing, new ConsentDraft(true, "v1"), Channels.Web, "phone-1", Now);

        Assert.Empty(decision.Events);
        Assert.IsType<ConsentResult.CustomerNotFound>(decision.Answer);
    }

    [Fact]
    public void What_personalization_sees_leaves_out_what_a_denied_purpose_covers()
    {
        var state = Shopper();
        var seen = state.Sessions.Sighting(new Caller("phone-1", Channels.Mobile, null), Now)!;
        state = Apply(state, [new DeviceSeen(seen) { At = Now }]);
        (state, var paymentId) = WithPayment(state, 1_200, Now.AddMinutes(1));

        var denied = ConsentGate.Of(state).Customer;

        Assert.Empty(denied.Allowed);
        Assert.Equal("EUR", denied.HomeCurrency);
        Assert.Equal(Visa, Assert.Single(denied.PaymentMethods).Id);
        Assert.All(denied.PaymentMethods, method => Assert.Null(method.LastUsedAt));
        Assert.All(denied.PaymentMethods, method => Assert.Null(method.BillingCountry));
        Assert.Empty(denied.Devices);
        Assert.Empty(denied.Purchases);

        foreach (var purpose in ConsentPurposes.All)
        {
            state = Decide(state, purpose, granted: true);
        }
        var allowed = ConsentGate.Of(state).Customer;
        Assert.Equal(ConsentPurposes.All, allowed.Allowed);
        Assert.Equal(Now.AddMinutes(1), Assert.Single(allowed.PaymentMethods).LastUsedAt);
        Assert.Equal("DE", Assert.Single(allowed.PaymentMethods).BillingCountry);
        Assert.Equal(paymentId, Assert.Single(allowed.Purchases).Id);
        Assert.Equal("phone-1", Assert.Single(allowed.Devices).DeviceId);

        state = Decide(state, ConsentPurpose.Location, granted: false);
        var withdrawn = ConsentGate.Of(state).Customer;
        Assert.All(withdrawn.PaymentMethods, method => Assert.Null(method.BillingCountry));
        Assert.Equal(Now.AddMinutes(1), Assert.Single(withdrawn.PaymentMethods).LastUsedAt);
        Assert.Equal([ConsentPurpose.Personalization, ConsentPurpose.Marketing, ConsentPurpose.Analytics], withdrawn.Allowed);
    }
}
