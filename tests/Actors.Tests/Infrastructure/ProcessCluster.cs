using Actors.Grains.Customers;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Silos as processes of their own (killable with SIGKILL, stoppable with SIGTERM) and API nodes on real Kestrel
/// ports, all on one database: the deployment the fault tests break.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? siloSettings;

    private ProcessCluster(string connectionString, IReadOnlyDictionary<string, string?>? siloSettings)
    {
        ConnectionString = connectionString;
        this.siloSettings = siloSettings;
    }

    public string ConnectionString { get; }
    public string ClusterId { get; } = "faults-" + Guid.NewGuid().ToString("N")[..8];
    public List<SiloProcess> Silos { get; } = [];
    public List<ApiFactory> Nodes { get; } = [];
    public StoredData Stored => new(ConnectionString);

    /// <param name="connectionString">A database with the schema applied; a fresh one on the suite's server when null.</param>
    public static async Task<ProcessCluster> Start(int silos, int apiNodes, string? connectionString = null,
        IReadOnlyDictionary<string, string?>? siloSettings = null)
    {
        var cluster = new ProcessCluster(connectionString ?? await TestPostgres.Instance.CreateDatabase(), siloSettings);
        try
        {
            cluster.Silos.AddRange(await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSilo())));
            for (var i = 0; i < apiNodes; i++)
            {
                var node = new ApiFactory(ApiFixture.NodeSettings(cluster.ConnectionString, cluster.ClusterId, devTokens: true));
                node.UseKestrel(0);
                node.StartServer();
                cluster.Nodes.Add(node);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>One more silo in the cluster (not yet in <see cref="Silos"/>).</summary>
    public Task<SiloProcess> StartSilo() => SiloProcess.Start(ConnectionString, ClusterId, siloSettings);

    /// <summary>The silo that holds <paramref name="customerId"/>'s activation now, or null when none does.</summary>
    public async Task<SiloProcess?> HostOf(string customerId)
    {
        var client = Nodes[0].Services.GetRequiredService<IClusterClient>();
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(client.GetGrain<ICustomerGrain>(customerId));
        return address is null ? null : Silos.SingleOrDefault(silo => silo.SiloPort == address.Endpoint.Port);
    }

    /// <summary>A client of API node <paramref name="node"/> for <paramref name="role"/>.</summary>
    public Task<HttpClient> ClientAs(int node, string role, string? customerId = null) => ApiFixture.ClientAs(Nodes[node], role, customerId);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
