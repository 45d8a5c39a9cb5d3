using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using Orleans.Storage;

namespace Actors.Tests.Cluster;

/// <summary>
/// Identity grains and customers agreeing on who holds an identifier, including after a crash half-way through a
/// change: the half-way states are made by calling the identity grain directly, as the customer would have before
/// it died, and the next call or the reminder must settle them.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class IdentityGrainTests(GrainClusterFixture fixture)
{
    private static int emails;

    private StoredData Stored => new(fixture.ConnectionString);

    private static string NewEmail() => $"person.{Interlocked.Increment(ref emails)}.{Guid.NewGuid():N}@example.com";

    /// <summary>The identity grain of identifier <paramref name="key"/> (e.g. <c>email:…</c>), by the keyed hash every caller uses.</summary>
    private IIdentityGrain Identity(string key) => fixture.Client.GetGrain<IIdentityGrain>(PrivacyTestSettings.IdentityKeys.GrainKey(key));

    private async Task<ICustomerGrain> NewCustomer(string? email = null)
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Grace() with { Email = email ?? NewEmail() }));
        return customer;
    }

    private static string Id(ICustomerGrain customer) => customer.GetPrimaryKeyString();

    [Fact]
    public async Task A_new_customer_holds_its_email_and_a_second_customer_with_that_email_is_refused_and_not_created()
    {
        var email = NewEmail();
        var first = await NewCustomer(email);
        var second = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());

        var refused = await second.Create(SampleProfiles.Grace() with { Email = email.ToUpperInvariant() });

        Assert.Equal(new ProfileResult.IdentityTaken(new Identifier("email", email)), refused);
        Assert.IsType<ProfileResult.NotFound>(await second.GetProfile());
        Assert.Equal(Id(first), await Identity("email:" + email).Resolve());
        Assert.Equal(ClaimStatus.Held, (await Identity("email:" + email).GetClaim())!.Status);
        Assert.Equal([new Identifier("email", email)], await first.GetIdentities());
    }

    [Fact]
    public async Task Changing_the_email_frees_the_old_one_for_anyone_and_a_refused_change_keeps_the_profile()
    {
        var (old, next) = (NewEmail(), NewEmail());
        var customer = await NewCustomer(old);
        var other = await NewCustomer();

        SampleProfiles.Created(await customer.UpdateProfile(1, new ProfilePatch { Email = new(next) }));
        var refused = await other.UpdateProfile(1, new ProfilePatch { Email = new(next), DisplayName = new("Someone Else") });
        var takesOld = await other.UpdateProfile(1, new ProfilePatch { Email = new(old) });

        Assert.IsType<ProfileResult.IdentityTaken>(refused);
        Assert.Equal(2, SampleProfiles.Created(takesOld).Version);
        Assert.Equal(Id(customer), await Identity("email:" + next).Resolve());
        Assert.Equal(Id(other), await Identity("email:" + old).Resolve());
        Assert.Equal([new Identifier("email", next)], await customer.GetIdentities());
    }

    [Fact]
    public async Task Clearing_the_email_releases_it()
    {
        var email = NewEmail();
        var customer = await NewCustomer(email);

        SampleProfiles.Created(await customer.UpdateProfile(1, new ProfilePatch { Email = new(null) }));

        Assert.Null(await Identity("email:" + email).GetClaim());
        Assert.Empty((await customer.GetIdentities())!);
    }

    [Fact]
    public async Task Many_customers_claiming_one_email_at_once_leave_exactly_one_holder()
    {
        for (var round = 0; round < 10; round++)
        {
            var email = NewEmail();
            var customers = Enumerable.Range(0, 8).Select(_ => fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New())).ToList();

            var results = await Task.WhenAll(customers.Select(customer => customer.Create(SampleProfiles.Grace() with { Email = email })));

            Assert.Equal(1, results.Count(result => result is ProfileResult.Found));
            Assert.Equal(7, results.Count(result => result is ProfileResult.IdentityTaken));
            var winner = customers[Array.FindIndex(results, result => result is ProfileResult.Found)];
            Assert.Equal(Id(winner), await Identity("email:" + email).Resolve());
        }
    }

    [Fact]
    public async Task A_claim_whose_customer_never_committed_it_is_released_when_looked_up()
    {
        var customer = await NewCustomer();
        var key = "email:" + NewEmail();
        Assert.True(await Identity(key).Claim(Id(customer)));

        Assert.Null(await Identity(key).Resolve());
        Assert.Null(await Identity(key).GetClaim());
    }

    [Fact]
    public async Task A_claim_whose_customer_never_committed_it_gives_way_to_another_customer()
    {
        var crashed = await NewCustomer();
        var email = NewEmail();
        Assert.True(await Identity("email:" + email).Claim(Id(crashed)));
        var other = await NewCustomer();

        var taken = await other.UpdateProfile(1, new ProfilePatch { Email = new(email) });

        Assert.Equal(email, SampleProfiles.Created(taken).Email);
        Assert.Equal(Id(other), await Identity("email:" + email).Resolve());
    }

    [Fact]
    public async Task A_claim_committed_but_never_confirmed_is_confirmed_when_looked_up()
    {
        var email = NewEmail();
        var customer = await NewCustomer(email);
        // As if the customer had died after its commit and before its confirmation.
        Assert.True(await Identity("email:" + email).Claim(Id(customer)));
        Assert.Equal(ClaimStatus.Claiming, (await Identity("email:" + email).GetClaim())!.Status);

        Assert.Equal(Id(customer), await Identity("email:" + email).Resolve());
        Assert.Equal(ClaimStatus.Held, (await Identity("email:" + email).GetClaim())!.Status);
    }

    [Fact]
    public async Task A_release_committed_but_never_finished_frees_the_identifier_on_lookup_and_for_another_customer()
    {
        var customer = await NewCustomer();
        var (released, stale) = ("email:" + NewEmail(), NewEmail());
        // The customer's journal no longer lists either; it died before telling their identity grains.
        foreach (var key in (string[])[released, "email:" + stale])
        {
            Assert.True(await Identity(key).Claim(Id(customer)));
            Assert.True(await Identity(key).Confirm(Id(customer)));
        }
        await Identity(released).BeginRelease(Id(customer));
        var other = await NewCustomer();

        Assert.Null(await Identity(released).Resolve());
        Assert.Equal(stale, SampleProfiles.Created(await other.UpdateProfile(1, new ProfilePatch { Email = new(stale) })).Email);
        Assert.Equal(Id(other), await Identity("email:" + stale).Resolve());
    }

    [Fact]
    public async Task A_release_begun_but_never_committed_stays_with_the_customer()
    {
        var email = NewEmail();
        var customer = await NewCustomer(email);
        await Identity("email:" + email).BeginRelease(Id(customer));
        var other = await NewCustomer();

        var refused = await other.UpdateProfile(1, new ProfilePatch { Email = new(email) });

        Assert.IsType<ProfileResult.IdentityTaken>(refused);
        Assert.Equal(Id(customer), await Identity("email:" + email).Resolve());
        Assert.Equal(ClaimStatus.Held, (await Identity("email:" + email).GetClaim())!.Status);
    }

    [Fact]
    public async Task The_reminder_settles_unsettled_claims_without_any_lookup()
    {
        var customer = await NewCustomer();
        var held = NewEmail();
        SampleProfiles.Created(await customer.UpdateProfile(1, new ProfilePatch { Email = new(held) }));
        var orphan = "email:" + NewEmail();
        Assert.True(await Identity(orphan).Claim(Id(customer)));
        await Identity("email:" + held).BeginRelease(Id(customer));

        // Reminders tick on the silo's clock: it moves on while the test waits for them.
        await fixture.AdvanceUntil(Eventually.Get(() => Identity(orphan).GetClaim(), claim => claim is null), TimeSpan.FromSeconds(20));
        var settled = await fixture.AdvanceUntil(
            Eventually.Get(() => Identity("email:" + held).GetClaim(), claim => claim?.Status == ClaimStatus.Held), TimeSpan.FromSeconds(20));

        Assert.Equal(Id(customer), settled!.CustomerId);
    }

    [Fact]
    public async Task A_claim_stored_by_another_activation_meanwhile_is_not_overwritten()
    {
        var key = "device:till-" + Guid.NewGuid().ToString("N");
        var first = await NewCustomer();
        var second = await NewCustomer();
        Assert.Equal(new IdentityResult.Held(Identifier.Parse(key), Added: true), await first.ClaimIdentity(Identifier.Parse(key)));
        SampleProfiles.Created(await first.UpdateProfile(1, new ProfilePatch { DisplayName = new("Grace B.") }));

        // Another activation of this identity grain wrote after this one read: the row's version moved on.
        Assert.Equal(1, await Stored.Scalar(
            "WITH bumped AS (UPDATE orleansstorage SET version = version + 1 WHERE grainidextensionstring = @key RETURNING 1) SELECT count(*) FROM bumped",
            ("key", PrivacyTestSettings.IdentityKeys.GrainKey(key))));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Identity(key).Release(Id(first)));

        // A fresh activation reads what is stored, and the identifier is still the first customer's.
        Assert.Equal(Id(first), await Eventually.Get(() => Identity(key).Resolve(), holder => holder is not null));
        Assert.IsType<IdentityResult.Taken>(await second.ClaimIdentity(Identifier.Parse(key)));
    }
}
