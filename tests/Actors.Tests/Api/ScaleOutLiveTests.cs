using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Api;

/// <summary>
/// Two silos and two API nodes on one PostgreSQL, all real hosts: devices of one customer on different nodes see
/// the same changes in the same order, and when the silo holding the customer dies, each device either receives
/// every later change or is told to refetch, and ends with the cart the server has.
/// </summary>
public sealed class ScaleOutLiveTests : IAsyncLifetime
{
    private readonly List<SiloProcess> silos = [];
    private readonly List<ApiFactory> nodes = [];
    private readonly string clusterId = "scale-" + Guid.NewGuid().ToString("N")[..8];
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.Instance.CreateDatabase();
        silos.AddRange(await Task.WhenAll(SiloProcess.Start(connectionString, clusterId), SiloProcess.Start(connectionString, clusterId)));
        for (var i = 0; i < 2; i++)
        {
            var settings = ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true);
            settings["Live:RenewEvery"] = "00:00:00.500";
            var node = new ApiFactory(settings);
            node.UseKestrel(0);
            node.StartServer();
            nodes.Add(node);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Devices_on_two_API_nodes_see_every_change_in_order_and_recover_when_the_customers_silo_dies()
    {
        var shopper = await Shopper.Create((role, customerId) => ApiFixture.ClientAs(nodes[0], role, customerId));
        var onNodeB = await ApiFixture.ClientAs(nodes[1], "customer", shopper.Id);
        var followers = new[] { new CartFollower(shopper.Client, shopper.Base), new CartFollower(onNodeB, shopper.Base) };
        await using var phone = await LiveDevice.Watching(shopper.Client, follow: followers[0].On);
        await using var laptop = await LiveDevice.Watching(onNodeB, follow: followers[1].On);
        var synced = (await phone.WaitFor("Synced")).Sequence;

        // Edits come in through both nodes, alternately.
        for (var version = 0; version < 10; version++)
        {
            await HttpAssert.Json(await shopper.AddToCart($"sku-{version}", 100 + version, version, through: version % 2 == 0 ? shopper.Client : onNodeB), HttpStatusCode.OK);
        }
        foreach (var device in new[] { phone, laptop })
        {
            await device.WaitFor("CartChanged", payload => payload.GetProperty("cart").GetProperty("version").GetInt64() == 10);
            var changes = device.Messages.Where(message => message.Method == "CartChanged").ToList();
            Assert.True(changes.Count == 10 && changes[0].Sequence == synced + 1, $"after Synced #{synced}: {string.Join(", ", device.Messages)}");
            Assert.Equal(Enumerable.Range(1, 10).Select(step => synced + step), changes.Select(change => change.Sequence));
            Assert.Equal(Enumerable.Range(1, 10).Select(step => (long)step), changes.Select(change => change.Payload.GetProperty("cart").GetProperty("version").GetInt64()));
        }

        // The silo holding the customer dies without a goodbye; edits go on as soon as the cluster lets them.
        var client = nodes[0].Services.GetRequiredService<IClusterClient>();
        var hosting = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(client.GetGrain<Actors.Grains.Customers.ICustomerGrain>(shopper.Id));
        var dying = silos.Single(silo => silo.SiloPort == hosting!.Endpoint.Port);
        silos.Remove(dying);
        dying.Kill();
        for (var i = 0; i < 5; i++)
        {
            await Eventually.Get(async () =>
            {
                var cart = await shopper.Client.GetFromJsonAsync<JsonElement>($"{shopper.Base}/cart");
                return await shopper.AddToCart($"after-{i}", 200 + i, cart.GetProperty("version").GetInt64(), through: i % 2 == 0 ? onNodeB : shopper.Client);
            }, response => response.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        }

        var final = (await shopper.Client.GetFromJsonAsync<JsonElement>($"{shopper.Base}/cart")).GetProperty("version").GetInt64();
        Assert.Equal(15, final);
        foreach (var (follower, device) in followers.Zip([phone, laptop]))
        {
            // Well under the 30 s response timeout: a renewal stuck on the dead silo must not hold the node's watches.
            await Eventually.Get(() => Task.FromResult(follower.Version), version => version == final, TimeSpan.FromSeconds(15));
            // The customer now lives in a new activation, whose numbers start a fresh block: every device noticed.
            Assert.True(follower.Refetches >= 1, $"no refetch after the silo died; received {string.Join(", ", device.Messages)}");
        }
    }

    /// <summary>A device's copy of the cart, kept by the sequence rule of docs/live-updates.md.</summary>
    private sealed class CartFollower(HttpClient rest, string customerPath)
    {
        private long? last;

        public long Version { get; private set; }
        public int Refetches { get; private set; }

        public async Task On(LiveMessage message)
        {
            var sequence = message.Sequence;
            var gap = message.Method == "Synced" ? last is null || sequence > last : last is null || sequence > last + 1;
            if (gap)
            {
                var cart = await Eventually.Get(() => rest.GetFromJsonAsync<JsonElement>($"{customerPath}/cart"), _ => true, TimeSpan.FromSeconds(60));
                Version = cart.GetProperty("version").GetInt64();
                Refetches += last is null ? 0 : 1;
                last = sequence;
            }
            else if (sequence == last + 1)
            {
                if (message.Method == "CartChanged")
                {
                    Version = message.Payload.GetProperty("cart").GetProperty("version").GetInt64();
                }
                last = sequence;
            }
        }
    }
}
