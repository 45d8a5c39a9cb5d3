using System.Collections.Concurrent;
using System.Net;
using Actors.EntryPoint;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Deploy;

/// <summary>
/// The entry point in front of two real API nodes (Kestrel, one silo, PostgreSQL): plain requests are spread over both,
/// and a live connection made through it hears what is changed through the other node.
/// </summary>
public sealed class EntryPointTests : IAsyncLifetime
{
    private readonly string clusterId = "entry-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ApiFactory> nodes = [];
    private readonly List<RequestTally> tallies = [];
    private IHost silo = null!;
    private WebApplication entry = null!;
    private Uri entryAddress = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        silo = await Hosts.StartSilo(connectionString, clusterId);
        for (var i = 0; i < 2; i++)
        {
            var tally = new RequestTally();
            var node = new ApiFactory(ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true),
                services => services.AddSingleton<IStartupFilter>(tally));
            node.UseKestrel(0);
            node.StartServer();
            nodes.Add(node);
            tallies.Add(tally);
        }
        entry = EntryPointApp.Create(
        [
            "--Urls=http://127.0.0.1:0",
            $"--EntryPoint:Nodes:0={Address(nodes[0])}",
            $"--EntryPoint:Nodes:1={Address(nodes[1])}",
            "--EntryPoint:HealthEvery=00:00:00.250",
        ]);
        await entry.StartAsync();
        entryAddress = new Uri(entry.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        await entry.DisposeAsync();
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
        await silo.StopAsync();
        silo.Dispose();
    }

    [Fact]
    public async Task Requests_through_the_entry_point_are_spread_over_both_API_nodes()
    {
        await BothNodesReady();
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
        await BothNodesReady();
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
        await BothNodesReady();
        using var probe = new HttpClient { BaseAddress = entryAddress };

        await nodes[0].DisposeAsync();
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
        await nodes[1].DisposeAsync();

        await Eventually.Get(() => probe.GetAsync("/health/ready"), response => response.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task With_no_node_up_a_client_gets_a_503_problem_with_Retry_After()
    {
        await BothNodesReady();
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
            Assert.Equal(NoNodeProblem.Type, problem.RootElement.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            await Eventually.Get(() => client.GetAsync("/health/ready"), ready => ready.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The node's own Kestrel address.</summary>
    private static Uri Address(ApiFactory node)
    {
        using var client = node.CreateClient();
        return client.BaseAddress!;
    }

    private async Task BothNodesReady()
    {
        var proxy = entry.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>();
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
