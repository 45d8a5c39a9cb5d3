using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.Profiles;
using Actors.Grains.StepUp;

namespace Actors.Tests.Identity;

public sealed class IdentityDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Identifier Card = new("card", "123456789015");

    private static CustomerState Created(string? email = "Ada@Example.com", string? phone = "+447700900123")
    {
        var decision = ProfileDecider.Create(CustomerState.New, "cus_ada",
            new ProfileDraft("Ada", email, phone, null, "GBP", "Europe/London"), Now);
        return CustomerEvolution.ApplyAll(CustomerState.New, decision.Events);
    }

    private static IEnumerable<string> Changes(IEnumerable<JournalEvent> events) => events.Select(change => change switch
    {
        IdentityClaimed claimed => "+" + claimed.Identifier.Key,
        IdentityReleased released => "-" + released.Identifier.Key,
        _ => change.GetType().Name,
    });

    [Fact]
    public void Creating_a_customer_claims_its_normalized_email_and_phone()
    {
        var state = Created();

        Assert.Equal(["email:ada@example.com", "phone:+447700900123"], state.Identities);
        Assert.Equal("Ada@Example.com", state.Profile!.Email);
    }

    [Fact]
    public void Changing_the_email_releases_the_old_one_and_claims_the_new_one_while_clearing_the_phone_releases_it()
    {
        var state = Created();

        var decision = ProfileDecider.Update(state, 1,
            new ProfilePatch { Email = new("ada.king@example.com"), Phone = new(null) }, Now, StepUpStanding.Satisfied);

        Assert.Equal(["ProfileUpdated", "-email:ada@example.com", "+email:ada.king@example.com", "-phone:+447700900123"],
            Changes(decision.Events));
        Assert.Equal(["email:ada.king@example.com"], CustomerEvolution.ApplyAll(state, decision.Events).Identities);
    }

    [Fact]
    public void Re_casing_the_email_or_changing_another_field_claims_nothing()
    {
        var state = Created();

        var decision = ProfileDecider.Update(state, 1,
            new ProfilePatch { Email = new("ADA@example.com"), DisplayName = new("Ada King") }, Now, StepUpStanding.Satisfied);

        Assert.Equal(["ProfileUpdated"], Changes(decision.Events));
    }

    [Fact]
    public void A_refused_patch_claims_nothing()
    {
        var state = Created();

        Assert.Empty(ProfileDecider.Update(state, 7, new ProfilePatch { Email = new("new@example.com") }, Now, StepUpStanding.Satisfied).Events);
        Assert.Empty(ProfileDecider.Update(state, 1, new ProfilePatch { Email = new("new@"), Phone = new(null) }, Now, StepUpStanding.Satisfied).Events);
    }

    [Fact]
    public void A_card_is_claimed_once_and_released_once()
    {
        var state = Created(email: null, phone: null);

        var claim = IdentityDecider.Claim(state, Card, Now);
        var held = CustomerEvolution.ApplyAll(state, claim.Events);
        var again = IdentityDecider.Claim(held, Card, Now);
        var release = IdentityDecider.Release(held, Card, Now);

        Assert.Equal(["+card:123456789015"], Changes(claim.Events));
        Assert.Equal(new IdentityResult.Held(Card, Added: true), claim.Answer);
        Assert.Empty(again.Events);
        Assert.Equal(new IdentityResult.Held(Card, Added: false), again.Answer);
        Assert.Equal(["-card:123456789015"], Changes(release.Events));
        Assert.Empty(CustomerEvolution.ApplyAll(held, release.Events).Identities);
        Assert.Equal(new IdentityResult.NotHeld(Card), IdentityDecider.Release(state, Card, Now).Answer);
    }

    [Fact]
    public void Email_and_phone_are_not_claimed_or_released_directly_and_nobody_claims_for_a_missing_customer()
    {
        var state = Created();
        var email = new Identifier("email", "ada@example.com");

        Assert.IsType<IdentityResult.ProfileField>(IdentityDecider.Claim(state, email, Now).Answer);
        Assert.IsType<IdentityResult.ProfileField>(IdentityDecider.Release(state, email, Now).Answer);
        Assert.IsType<IdentityResult.CustomerNotFound>(IdentityDecider.Claim(CustomerState.New, Card, Now).Answer);
    }

    [Fact]
    public void Releasing_everything_releases_each_identifier_held()
    {
        var state = CustomerEvolution.ApplyAll(Created(), IdentityDecider.Claim(Created(), Card, Now).Events);

        var released = IdentityDecider.ReleaseAll(state, Now);

        Assert.Equal(["-card:123456789015", "-email:ada@example.com", "-phone:+447700900123"], Changes(released));
        Assert.Empty(CustomerEvolution.ApplyAll(state, released).Identities);
    }
}
