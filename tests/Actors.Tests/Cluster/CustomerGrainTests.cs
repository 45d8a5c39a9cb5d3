using Actors.Grains.Customers;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Cluster;

[Collection(GrainClusterCollection.Name)]
public sealed class CustomerGrainTests(GrainClusterFixture fixture)
{
    private ICustomerGrain NewCustomer() => fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());

    [Fact]
    public async Task A_created_profile_is_read_back_at_version_1()
    {
        var customer = NewCustomer();

        var created = SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
        var read = SampleProfiles.Created(await customer.GetProfile());

        Assert.Equal(created, read);
        Assert.Equal(1, read.Version);
        Assert.Equal("GBP", read.HomeCurrency);
        Assert.Equal(customer.GetPrimaryKeyString(), read.CustomerId);
        Assert.Equal(fixture.Clock.GetUtcNow(), read.CreatedAt);
    }

    [Fact]
    public async Task An_unknown_customer_is_not_found_and_is_not_created_by_reading()
    {
        var customer = NewCustomer();

        Assert.IsType<ProfileResult.NotFound>(await customer.GetProfile());
        Assert.IsType<ProfileResult.NotFound>(await customer.UpdateProfile(1, new ProfilePatch()));
        Assert.IsType<ProfileResult.NotFound>(await customer.GetProfile());
    }

    [Fact]
    public async Task Creating_twice_keeps_the_first_profile()
    {
        var customer = NewCustomer();
        var first = SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));

        var again = await customer.Create(SampleProfiles.Ada() with { DisplayName = "Someone else" });

        Assert.Equal(first, Assert.IsType<ProfileResult.AlreadyExists>(again).Profile);
    }

    [Fact]
    public async Task Each_change_raises_the_version_and_is_persisted()
    {
        var customer = NewCustomer();
        await customer.Create(SampleProfiles.Ada());
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = SampleProfiles.Created(await customer.UpdateProfile(1, new ProfilePatch { DisplayName = new("Ada King") }));

        Assert.Equal(2, updated.Version);
        Assert.Equal("Ada King", updated.DisplayName);
        Assert.Equal(fixture.Clock.GetUtcNow(), updated.UpdatedAt);
        Assert.True(updated.CreatedAt < updated.UpdatedAt);
        // The creation, the claims of its email and phone, and the patch.
        Assert.Equal(4, await StoredEvents(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_stale_version_is_refused_with_the_current_profile()
    {
        var customer = NewCustomer();
        await customer.Create(SampleProfiles.Ada());
        await customer.UpdateProfile(1, new ProfilePatch { Phone = new(null) });

        var stale = await customer.UpdateProfile(1, new ProfilePatch { DisplayName = new("Lost update") });

        var current = Assert.IsType<ProfileResult.VersionMismatch>(stale).Current;
        Assert.Equal(2, current.Version);
        Assert.Null(current.Phone);
        Assert.Equal("Ada Lovelace", SampleProfiles.Created(await customer.GetProfile()).DisplayName);
    }

    [Fact]
    public async Task An_invalid_change_leaves_the_profile_untouched()
    {
        var customer = NewCustomer();
        await customer.Create(SampleProfiles.Ada());

        var result = await customer.UpdateProfile(1, new ProfilePatch { DisplayName = new("Ada"), HomeCurrency = new("XXX") });

        Assert.Contains("homeCurrency", Assert.IsType<ProfileResult.Invalid>(result).Errors.Keys);
        var current = SampleProfiles.Created(await customer.GetProfile());
        Assert.Equal(1, current.Version);
        Assert.Equal("Ada Lovelace", current.DisplayName);
    }

    [Fact]
    public async Task An_invalid_draft_creates_nothing()
    {
        var customer = NewCustomer();

        var result = await customer.Create(SampleProfiles.Ada() with { TimeZone = "Mars/Olympus_Mons" });

        Assert.Contains("timeZone", Assert.IsType<ProfileResult.Invalid>(result).Errors.Keys);
        Assert.IsType<ProfileResult.NotFound>(await customer.GetProfile());
        Assert.Equal(0, await StoredEvents(customer.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task State_comes_back_from_PostgreSQL_after_the_grain_is_deactivated()
    {
        var customer = NewCustomer();
        await customer.Create(SampleProfiles.Ada());
        await customer.UpdateProfile(1, new ProfilePatch { PreferredLanguage = new("fr-FR") });

        await fixture.Cluster.DeactivateAsync(customer);

        var read = SampleProfiles.Created(await customer.GetProfile());
        Assert.Equal(2, read.Version);
        Assert.Equal("fr-FR", read.PreferredLanguage);
    }

    private Task<long> StoredEvents(string customerId) => new StoredData(fixture.ConnectionString).EventsOf(customerId);
}
