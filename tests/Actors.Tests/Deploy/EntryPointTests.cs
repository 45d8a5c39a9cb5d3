using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Actors.EntryPoint;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Deploy;

/// <summary>
/// The entry point in front of two real API nodes (Kestrel, one silo, PostgreSQL): plain requests are spread over both,
/// a live connection made through it hears what is changed through the other node, each client keeps its own address
/// (rate limits), and with no node up a client gets a 503 problem.
/// </summary>
public sealed class EntryPointTests : IAsyncLifetime
{
    /// <summary>Where the entry point connects to the nodes from: the one proxy they trust, as <c>./start.sh</c> sets it.</summary>
    private const string EntryPointAddress = "127.0.0.1";

    private readonly string clusterId = "entry-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ApiFactory> nodes = [];
    private readonly List<RequestTally> tallies = [];
    private string connectionString = null!;
    private IHost? silo;
    private WebApplication? entry;
    private Uri entryAddress = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.Instance.CreateDatabase();
        silo = await Hosts.StartSilo(connectionString, clusterId);
    }

    public async Task DisposeAsync()
    {
        if (entry is not null)
        {
            await entry.DisposeAsync();
        }
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
        if (silo is not null)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }

    /// <summary>
    /// Two API nodes (with <paramref name="nodeSettings"/> on top of the test defaults) trusting the entry point's
    /// forwarded headers, and the entry point in front of them asking their health every <paramref name="healthEvery"/>;
    /// returns once it has seen both ready.
    /// </summary>
    private async Task Start(string healthEvery = "00:00:00.250", params (string Key, string Value)[] nodeSettings)
    {
        for (var i = 0; i < 2; i++)
        {
            var tally = new RequestTally();
            nodes.Add(StartNode(nodeSettings.Append(("ForwardedHeaders:KnownProxies:0", EntryPointAddress)), tally));
            tallies.Add(tally);
        }
        entry = EntryPointApp.Create(
        [
            "--Urls=http://127.0.0.1:0",
            $"--EntryPoint:Nodes:0={Address(nodes[0])}",
            $"--EntryPoint:Nodes:1={Address(nodes[1])}",
            $"--EntryPoint:HealthEvery={healthEvery}",
        ]);
        await entry.StartAsync();
        entryAddress = new Uri(entry.Urls.Single());
        await BothNodesReady();
    }

    private ApiFactory StartNode(IEnumerable<(string Key, string Value)> extra, RequestTally? tally = null)
    {
        var settings = ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        var node = new ApiFactory(settings, tally is null ? null : services => services.AddSingleton<IStartupFilter>(tally));
        node.UseKestrel(0);
        node.StartServer();
        return node;
    }

    [Fact]
    public async Task Requests_through_the_entry_point_are_spread_over_both_API_nodes()
    {
        await Start();
        var shopper = await Shopper.Create((role, customerId) => ApiFixture.ClientAs(entryAddress, role, customerId), stepUp: false);
        var before = tallies.Select(tally => tally.Count("/v1/customers/" + shopper.Id)).ToArray();

        for (var i = 0; i < 20; i++)
        {
            await shopper.Read("/cart");
        }

        var served = tallies.Select((tally, node) => tally.Count("/v1/customers/" + shopper.Id) - before[node]).ToArray();
        Assert.Equal(20, served.Sum());
        Assert.All(served, count => Assert.True(count >= 5, $"served per node: {string.Join(", ", served)}"));
    }

    [Fact]
    public async Task A_live_connection_through_the_entry_point_hears_a_cart_change_made_through_the_other_node()
    {
        await Start();
        var shopper = await Shopper.Create((role, customerId) => ApiFixture.ClientAs(entryAddress, role, customerId), stepUp: false);
        var hubBefore = tallies.Select(tally => tally.Count("/hubs/")).ToArray();

        // Negotiated, as the web app connects: the negotiation and the connection must reach one node.
        await using var device = await LiveDevice.Watching(shopper.Client, negotiate: true);

        var hubRequests = tallies.Select((tally, node) => tally.Count("/hubs/") - hubBefore[node]).ToArray();
        var holding = Array.FindIndex(hubRequests, count => count > 0);
        Assert.True(holding >= 0 && hubRequests.Count(count => count > 0) == 1, $"hub requests per node: {string.Join(", ", hubRequests)}");
        var otherNode = await ApiFixture.ClientAs(nodes[1 - holding], "customer", shopper.Id);

        await HttpAssert.Json(await shopper.AddToCart("entry-beans", 1_450, 0, through: otherNode), HttpStatusCode.OK);

        var change = await device.WaitFor("CartChanged");
        Assert.Equal(1, change.Payload.GetProperty("cart").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_entry_point_is_ready_while_a_node_is_and_not_once_none_is()
    {
        await Start();
        using var probe = new HttpClient { BaseAddress = entryAddress };

        await nodes[0].DisposeAsync();
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
        await nodes[1].DisposeAsync();

        await Eventually.Get(() => probe.GetAsync("/health/ready"), response => response.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task With_no_node_up_a_client_gets_a_503_problem_with_Retry_After()
    {
        await Start();
        using var client = new HttpClient { BaseAddress = entryAddress };
        await nodes[0].DisposeAsync();
        await nodes[1].DisposeAsync();

        // Both before the probes notice (the node refuses the connection) and after (no node is ready).
        foreach (var _ in new[] { "unnoticed", "noticed" })
        {
            using var response = await client.GetAsync("/v1/customers/someone");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("/errors/unavailable", problem.RootElement.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            await Eventually.Get(() => client.GetAsync("/health/ready"), ready => ready.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Two_clients_behind_the_entry_point_are_limited_by_their_own_addresses_whatever_they_claim()
    {
        // Probes every 5 s keep the entry point's own bucket on each node (its probes carry no forwarded address) far
        // below the 1 a second it refills.
        await Start("00:00:05", ("RateLimits:Enabled", "true"), ("RateLimits:PerAddress:PerSecond", "1"), ("RateLimits:PerAddress:Burst", "5"));
        using var greedy = ClientFrom("127.0.0.2", entryAddress);
        using var patient = ClientFrom("127.0.0.3", entryAddress);

        // Ten a node against buckets of five: the greedy client runs dry on both, though each request claims an
        // address of its own (the entry point replaces the claim with the address it sees).
        var greedyStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            greedyStatuses.Add(await StatusOf(greedy, ReceiptKeys, $"198.51.100.{i + 1}"));
        }
        // Two a node: within the patient client's own bucket, empty as the greedy one's is not.
        var patientStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            patientStatuses.Add(await StatusOf(patient, ReceiptKeys));
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, greedyStatuses);
        Assert.All(greedyStatuses, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], patientStatuses);
    }

    [Theory]
    [InlineData(EntryPointAddress, "127.0.0.2")]
    [InlineData(null, EntryPointAddress)]
    public async Task A_client_claiming_addresses_straight_to_a_node_stays_in_its_own_bucket(string? trustedProxy, string clientAddress)
    {
        (string, string)[] settings = [("RateLimits:Enabled", "true"), ("RateLimits:PerAddress:PerSecond", "1"), ("RateLimits:PerAddress:Burst", "5")];
        var node = StartNode(trustedProxy is null ? settings : [.. settings, ("ForwardedHeaders:KnownProxies:0", trustedProxy)]);
        nodes.Add(node);
        using var client = ClientFrom(clientAddress, Address(node));

        // Twenty addresses claimed, each once: believed, each would get a bucket of its own and none would be refused.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add(await StatusOf(client, ReceiptKeys, $"198.51.100.{i + 1}, 203.0.113.{i + 1}"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), statuses.Take(5));
        Assert.True(statuses.Count(status => status == HttpStatusCode.TooManyRequests) >= 10, string.Join(", ", statuses));
    }

    /// <summary>An anonymous read that touches no customer: only the per-address bucket counts it.</summary>
    private const string ReceiptKeys = "/.well-known/receipt-keys";

    private static async Task<HttpStatusCode> StatusOf(HttpClient client, string path, string? claimedAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (claimedAddress is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", claimedAddress);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (any of 127.0.0.0/8 is this machine's loopback).</summary>
    private static HttpClient ClientFrom(string localAddress, Uri server) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = server };

    /// <summary>The node's own Kestrel address.</summary>
    private static Uri Address(ApiFactory node)
    {
        using var client = node.CreateClient();
        return client.BaseAddress!;
    }

    private async Task BothNodesReady()
    {
        var proxy = entry!.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>();
        await Eventually.Get(() => Task.FromResult(proxy.TryGetCluster(ProxyRoutes.ApiCluster, out var cluster)
                ? cluster.Destinations.Values.Count(node => node.Health.Active == Yarp.ReverseProxy.Model.DestinationHealth.Healthy)
                : 0),
            ready => ready == 2, TimeSpan.FromSeconds(60));
    }

    /// <summary>Counts the requests one API node serves, by path.</summary>
    private sealed class RequestTally : IStartupFilter
    {
        private readonly ConcurrentQueue<string> paths = new();

        public int Count(string pathPrefix) => paths.Count(path => path.StartsWith(pathPrefix, StringComparison.Ordinal));

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                paths.Enqueue(context.Request.Path.Value ?? "");
                return then(context);
            });
            next(app);
        };
    }
}
