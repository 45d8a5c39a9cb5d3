using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Live;
using Actors.Grains.Payments;
using Actors.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Actors.Tests.Cluster;

/// <summary>What a watching API node hears from a customer grain, with the clock moved by the test.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class LiveGrainTests(GrainClusterFixture fixture)
{
    private async Task<ICustomerGrain> NewCustomer()
    {
        var customer = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada() with { HomeCurrency = "EUR" }));
        return customer;
    }

    private async Task<(Watcher Watcher, ICustomerObserver Reference, long Synced)> Watch(ICustomerGrain customer)
    {
        var watcher = new Watcher();
        var reference = fixture.Client.CreateObjectReference<ICustomerObserver>(watcher);
        var synced = await customer.Watch(reference) ?? throw new InvalidOperationException("No such customer.");
        return (watcher, reference, synced);
    }

    [Fact]
    public async Task Every_change_is_numbered_one_after_another_in_the_order_it_happened()
    {
        var customer = await NewCustomer();
        var (watcher, _, synced) = await Watch(customer);

        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "beans", "Coffee beans", 1_450));
        await customer.SetLimits(new CapRequest(10_000, null, null));
        await customer.RemoveCartLine(1, "beans");

        var changes = await watcher.Take(3);
        Assert.Equal([synced + 1, synced + 2, synced + 3], changes.Select(change => change.Sequence));
        Assert.Equal(1, Assert.IsType<CartChanged>(changes[0]).Cart.Version);
        Assert.Equal(LimitsReason.Updated, Assert.IsType<LimitsChanged>(changes[1]).Reason);
        Assert.Empty(Assert.IsType<CartChanged>(changes[2]).Cart.Lines);
    }

    [Fact]
    public async Task A_customer_activated_anew_numbers_on_from_a_fresh_block_so_watchers_see_the_jump()
    {
        var customer = await NewCustomer();
        var (watcher, reference, synced) = await Watch(customer);
        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "beans", "Coffee beans", 1_450));
        var before = (await watcher.Take(1)).Single().Sequence;

        await customer.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var renewed = await Eventually.Get(() => customer.Watch(reference), latest => latest > before);
        await customer.PutCartLine(1, await TestCatalog.Stocked(fixture.Client, "tea", "Tea", 450));

        var after = (await watcher.Take(2))[1];
        Assert.Equal(synced + 1, before);
        Assert.True(renewed > before + 1, $"the new activation answered {renewed} after {before}");
        Assert.Equal(renewed + 1, after.Sequence);
        Assert.Equal(2, Assert.IsType<CartChanged>(after).Cart.Version);
    }

    [Fact]
    public async Task A_checkout_expiring_and_a_raise_ending_its_cooling_off_are_announced_when_the_clock_passes_them()
    {
        var customer = await NewCustomer();
        await customer.SetLimits(new CapRequest(5_000, null, null));
        var (watcher, reference, _) = await Watch(customer);

        var draft = await TestCatalog.OneLine(fixture.Client, 1_000);
        var created = await customer.CreateCheckout(new IdempotentRequest(Guid.NewGuid().ToString(), "body"), draft);
        var checkout = Assert.IsType<MoneyResult.CheckoutCreated>(created).Summary.Checkout;
        await customer.SetLimits(new CapRequest(20_000, null, null));
        var pending = Assert.IsType<LimitsChanged>((await watcher.Take(2))[1]).Limits.Pending.Single();

        await PassWatching(customer, reference, checkout.ExpiresAt);
        var expired = Assert.IsType<CheckoutUpdated>((await watcher.Take(3))[2]);
        await PassWatching(customer, reference, pending.EffectiveAt);
        var effective = Assert.IsType<LimitsChanged>((await watcher.Take(4))[3]);

        Assert.Equal((CheckoutChange.Expired, checkout.Id), (expired.Change, expired.Checkout.Id));
        Assert.Equal(LimitsReason.RaiseEffective, effective.Reason);
        Assert.Equal(20_000, effective.Limits.Daily);
        Assert.Empty(effective.Limits.Pending);
    }

    /// <summary>Moves the clock past <paramref name="moment"/>, renewing the watch just before it as an API node would have.</summary>
    private async Task PassWatching(ICustomerGrain customer, ICustomerObserver reference, DateTimeOffset moment)
    {
        fixture.Clock.Advance(moment - fixture.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await customer.Watch(reference);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_watcher_that_stops_renewing_is_forgotten_and_one_that_renews_is_kept()
    {
        var customer = await NewCustomer();
        var (silent, _, _) = await Watch(customer);
        var (renewing, renewingReference, _) = await Watch(customer);

        fixture.Clock.Advance(CustomerGrain.WatcherExpiry - TimeSpan.FromSeconds(10));
        await customer.Watch(renewingReference);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        await customer.PutCartLine(0, await TestCatalog.Stocked(fixture.Client, "beans", "Coffee beans", 1_450));

        Assert.IsType<CartChanged>((await renewing.Take(1)).Single());
        Assert.Empty(silent.Received);
    }

    [Fact]
    public async Task Nobody_can_watch_a_customer_that_does_not_exist()
    {
        var nobody = fixture.Client.GetGrain<ICustomerGrain>(CustomerId.New());
        var reference = fixture.Client.CreateObjectReference<ICustomerObserver>(new Watcher());

        Assert.Null(await nobody.Watch(reference));
    }

    /// <summary>Collects what the grain sends, in arrival order.</summary>
    private sealed class Watcher : ICustomerObserver
    {
        private readonly Lock gate = new();
        private readonly List<CustomerEvent> received = [];

        public IReadOnlyList<CustomerEvent> Received
        {
            get
            {
                lock (gate)
                {
                    return [.. received];
                }
            }
        }

        public Task OnChanged(CustomerEvent change)
        {
            lock (gate)
            {
                received.Add(change);
            }
            return Task.CompletedTask;
        }

        /// <summary>
        /// The first <paramref name="count"/> changes by sequence number, once that many have arrived: Orleans may
        /// deliver one-way calls out of order, so the numbers carry the order (API nodes restore it).
        /// </summary>
        public async Task<IReadOnlyList<CustomerEvent>> Take(int count)
        {
            try
            {
                return (await Eventually.Get(() => Task.FromResult(Received), all => all.Count >= count, TimeSpan.FromSeconds(20)))
                    .OrderBy(change => change.Sequence).Take(count).ToList();
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Waited for {count} changes; got: {string.Join(", ", Received)}");
            }
        }
    }
}
