using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Sessions;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Cluster;

[Collection(GrainClusterCollection.Name)]
public sealed class ConsentGrainTests(GrainClusterFixture fixture)
{
    private static readonly Caller Laptop = new("laptop", Channels.Web, null);
    private static readonly Caller Phone = new("phone", Channels.Mobile, null);

    private async Task<ICustomerGrain> NewCustomer()
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        await customer.Create(SampleProfiles.Ada());
        return customer;
    }

    /// <summary>Sends <paramref name="call"/> as <paramref name="caller"/>, the way the API puts the caller in the request context.</summary>
    private static Task<T> From<T>(Caller caller, Func<Task<T>> call)
    {
        RequestContext.Set(Caller.ContextKey, caller);
        try
        {
            return call();
        }
        finally
        {
            RequestContext.Remove(Caller.ContextKey);
        }
    }

    [Fact]
    public async Task A_withdrawal_counts_for_the_very_next_decision_on_another_channel()
    {
        var customer = await NewCustomer();
        await From(Laptop, () => customer.RecordConsent(ConsentPurpose.Personalization, new ConsentDraft(true, "v1")));

        // Sent together: the phone's decision is taken while the laptop's withdrawal may still be being written, and
        // whichever comes second must see the first, so exactly one withdrawal is recorded and both answer it.
        var fromLaptop = From(Laptop, () => customer.RecordConsent(ConsentPurpose.Personalization, new ConsentDraft(false, "v1")));
        var fromPhone = From(Phone, () => customer.RecordConsent(ConsentPurpose.Personalization, new ConsentDraft(false, "v1")));
        var answers = await Task.WhenAll(fromLaptop, fromPhone);

        var decisions = answers.Select(answer => Assert.IsType<ConsentResult.Current>(answer).Consents.LatestFor(ConsentPurpose.Personalization)).ToList();
        Assert.All(decisions, decision => Assert.False(decision!.Granted));
        Assert.Equal(decisions[0], decisions[1]);
        var history = Assert.IsAssignableFrom<IReadOnlyList<ConsentDecision>>(Assert.IsType<ConsentResult.Current>(await customer.GetConsents()).History);
        Assert.Equal([false, true], history.Select(change => change.Granted));
        Assert.Equal(decisions[0], history[0]);
        Assert.Equal(Laptop.DeviceId, history[1].DeviceId);
    }

    [Fact]
    public async Task The_history_is_read_from_the_journal_after_the_customer_is_loaded_again()
    {
        var customer = await NewCustomer();
        // More decisions than a snapshot spans, so the reloaded state comes from a snapshot plus events.
        for (var version = 1; version <= GrainClusterFixture.SnapshotEvery + 2; version++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            await From(version % 2 == 0 ? Phone : Laptop, () => customer.RecordConsent(ConsentPurpose.Analytics, new ConsentDraft(version % 2 == 1, $"v{version}")));
        }

        await fixture.Cluster.DeactivateAsync(customer);
        var read = Assert.IsType<ConsentResult.Current>(await customer.GetConsents());
        var history = Assert.IsAssignableFrom<IReadOnlyList<ConsentDecision>>(read.History);

        Assert.Equal(["v7", "v6", "v5", "v4", "v3", "v2", "v1"], history.Select(change => change.PolicyVersion));
        Assert.Equal([Channels.Web, Channels.Mobile, Channels.Web, Channels.Mobile, Channels.Web, Channels.Mobile, Channels.Web], history.Select(change => change.Channel));
        Assert.Equal(history[0], read.Consents.LatestFor(ConsentPurpose.Analytics));
        Assert.True(read.Consents.LatestFor(ConsentPurpose.Analytics)!.Granted);
        Assert.Null(read.Consents.LatestFor(ConsentPurpose.Marketing));
    }
}
