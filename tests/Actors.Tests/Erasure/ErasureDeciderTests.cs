using Actors.Grains.Customers;
using Actors.Grains.Erasure;
using Actors.Grains.Identity;
using Actors.Grains.Limits;
using Actors.Grains.Profiles;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Erasure;

public sealed class ErasureDeciderTests
{
    private static readonly Identifier Card = new("card", "700000000019");
    private static readonly Identifier Device = new("device", "phone-1");

    /// <summary>A shopper with an email, a phone, a loyalty card and a device, as the grain would have them.</summary>
    private static CustomerState Held()
    {
        var state = Apply(CustomerState.New, ProfileDecider.Create(CustomerState.New, Deciders.Customers.CustomerId,
            new ProfileDraft("Grace Hopper", "grace@example.com", "+447700900123", null, "EUR", "Europe/Berlin"), Now).Events);
        state = Apply(state, IdentityDecider.Claim(state, Card, Now).Events);
        return Apply(state, IdentityDecider.Claim(state, Device, Now).Events);
    }

    [Fact]
    public void Starting_records_who_asked_and_no_exclusion_when_none_is_in_force()
    {
        var start = ErasureDecider.Start(Held(), ErasedBy.Operator, Now);

        Assert.IsType<ErasureResult.Erasing>(start.Answer);
        var started = Assert.IsType<ErasureStarted>(Assert.Single(start.Events));
        Assert.Equal((ErasedBy.Operator, (DateTimeOffset?)null, Now), (started.By, started.ExclusionUntil, started.At));
    }

    [Fact]
    public void A_self_exclusion_in_force_survives_in_the_email_phone_and_card_but_not_the_device()
    {
        var until = Now.AddDays(40);
        var state = Held();
        state = Apply(state, LimitsDecider.SelfExclude(state, until, Now).Events);

        var started = Apply(state, ErasureDecider.Start(state, ErasedBy.Customer, Now).Events);

        Assert.Equal(until, started.Erasure!.ExclusionUntil);
        Assert.Equal(["card:700000000019", "email:grace@example.com", "phone:+447700900123"],
            ErasureDecider.ExcludedIdentifiers(started).Select(identifier => identifier.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_exclusion_that_has_ended_is_not_kept()
    {
        var state = Held();
        state = Apply(state, LimitsDecider.SelfExclude(state, Now.AddDays(7), Now).Events);

        var started = Apply(state, ErasureDecider.Start(state, ErasedBy.Operator, Now.AddDays(8)).Events);

        Assert.Null(started.Erasure!.ExclusionUntil);
        Assert.Empty(ErasureDecider.ExcludedIdentifiers(started));
    }

    [Fact]
    public void A_payment_being_decided_blocks_the_erasure_and_nothing_is_appended()
    {
        var (state, paymentId) = WithReservation(Shopper(), 2_500);

        var start = ErasureDecider.Start(state, ErasedBy.Operator, Now);

        Assert.Empty(start.Events);
        var blocked = Assert.IsType<ErasureResult.Blocked>(start.Answer);
        Assert.Equal(ErasureDecider.PaymentOpen, blocked.Reason);
        Assert.Contains(paymentId, blocked.Detail);
    }

    [Fact]
    public void A_settled_payment_does_not_block()
    {
        var (state, _) = WithPayment(Shopper(), 2_500);

        Assert.IsType<ErasureResult.Erasing>(ErasureDecider.Start(state, ErasedBy.Operator, Now).Answer);
    }

    [Fact]
    public void Asked_again_it_starts_nothing_new_and_answers_how_far_it_got()
    {
        var started = Apply(Held(), ErasureDecider.Start(Held(), ErasedBy.Operator, Now).Events);

        var again = ErasureDecider.Start(started, ErasedBy.Customer, Now.AddMinutes(1));
        Assert.Empty(again.Events);
        Assert.IsType<ErasureResult.Erasing>(again.Answer);
        Assert.Equal(ErasedBy.Operator, started.Erasure!.By);

        var tombstoned = CustomerState.New with { Erasure = ErasureState.Tombstone(Now) };
        Assert.IsType<ErasureResult.Erased>(ErasureDecider.Start(tombstoned, ErasedBy.Operator, Now).Answer);
        Assert.Empty(ErasureDecider.Start(tombstoned, ErasedBy.Operator, Now).Events);
    }

    [Fact]
    public void No_such_customer_is_not_found()
    {
        Assert.IsType<ErasureResult.NotFound>(ErasureDecider.Start(CustomerState.New, ErasedBy.Operator, Now).Answer);
    }

    [Fact]
    public void The_last_event_comes_only_after_every_identifier_is_released_and_clears_the_state()
    {
        var state = Held();
        state = Apply(state, LimitsDecider.SelfExclude(state, Now.AddDays(40), Now).Events);
        state = Apply(state, ErasureDecider.Start(state, ErasedBy.Operator, Now).Events);
        Assert.Throws<InvalidOperationException>(() => ErasureDecider.Finish(state, Now));

        state = Apply(state, ErasureDecider.ReleaseIdentifiers(state, Now).Events);
        Assert.Empty(state.Identities);
        var finish = ErasureDecider.Finish(state, Now);
        Assert.IsType<CustomerErased>(Assert.Single(finish));
        var erased = Apply(state, finish);

        Assert.Null(erased.Profile);
        Assert.Empty(erased.Commerce.Payments);
        Assert.Null(erased.Commerce.Limits.ExcludedUntil);
        Assert.Equal(Now, erased.Erasure!.ErasedAt);
        Assert.False(erased.Erasure.Shredded);
        Assert.Empty(ErasureDecider.Finish(erased, Now));
        Assert.Empty(ErasureDecider.ReleaseIdentifiers(erased, Now).Events);
    }

    [Fact]
    public void An_inherited_exclusion_applies_at_once_and_never_shortens_a_longer_one()
    {
        var state = Shopper();
        var inherited = Apply(state, ErasureDecider.InheritExclusion(state, Now.AddHours(5), Now));
        Assert.Equal(Now.AddHours(5), LimitsDecider.View(inherited, Now).ExcludedUntil);

        var longer = Apply(state, LimitsDecider.SelfExclude(state, Now.AddDays(90), Now).Events);
        Assert.Empty(ErasureDecider.InheritExclusion(longer, Now.AddDays(30), Now));
        Assert.Empty(ErasureDecider.InheritExclusion(state, Now.AddMinutes(-1), Now));
        Assert.Empty(ErasureDecider.InheritExclusion(CustomerState.New, Now.AddDays(30), Now));
    }
}
