using Actors.Grains.Customers;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Cluster;

/// <summary>Silos as the silo process builds them: membership, storage and reminders on PostgreSQL, real TCP.</summary>
public sealed class ClusterMembershipTests : IAsyncLifetime
{
    private readonly List<IHost> hosts = [];
    private readonly string clusterId = "membership-" + Guid.NewGuid().ToString("N")[..8];
    private string connectionString = null!;

    public async Task InitializeAsync() => connectionString = await TestPostgres.Instance.CreateDatabase();

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await Stop(host);
        }
    }

    private async Task<IHost> Silo() => Track(await Hosts.StartSilo(connectionString, clusterId));

    private async Task<IClusterClient> Client() =>
        Track(await Hosts.StartClient(connectionString, clusterId)).Services.GetRequiredService<IClusterClient>();

    private IHost Track(IHost host)
    {
        hosts.Add(host);
        return host;
    }

    private async Task Stop(IHost host)
    {
        if (hosts.Remove(host))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Two_silos_form_one_cluster_and_a_customer_moves_with_its_state_when_its_silo_stops()
    {
        var first = await Silo();
        var second = await Silo();
        var client = await Client();
        var hostsSeen = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hostsSeen.Count);

        var customer = client.GetGrain<ICustomerGrain>(CustomerId.New());
        await customer.Create(SampleProfiles.Ada());
        await customer.UpdateProfile(1, new ProfilePatch { DisplayName = new("Ada King") });
        var management = client.GetGrain<IManagementGrain>(0);
        var hostingSilo = await management.GetActivationAddress(customer);
        var (stopped, survivor) = SiloAddressOf(first) == hostingSilo ? (first, second) : (second, first);

        await Stop(stopped);

        var profile = SampleProfiles.Created(await customer.GetProfile());
        Assert.Equal("Ada King", profile.DisplayName);
        Assert.Equal(2, profile.Version);
        Assert.Equal(SiloAddressOf(survivor), await management.GetActivationAddress(customer));
    }

    [Fact]
    public async Task A_profile_survives_a_restart_of_the_whole_cluster()
    {
        var silo = await Silo();
        var client = await Client();
        var id = CustomerId.New();
        await client.GetGrain<ICustomerGrain>(id).Create(SampleProfiles.Ada());
        await client.GetGrain<ICustomerGrain>(id).UpdateProfile(1, new ProfilePatch { TimeZone = new("Asia/Tokyo") });
        foreach (var host in hosts.ToList())
        {
            await Stop(host);
        }

        await Silo();
        var freshClient = await Client();

        var profile = SampleProfiles.Created(await freshClient.GetGrain<ICustomerGrain>(id).GetProfile());
        Assert.Equal("Asia/Tokyo", profile.TimeZone);
        Assert.Equal(2, profile.Version);
    }

    private static SiloAddress SiloAddressOf(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
}
