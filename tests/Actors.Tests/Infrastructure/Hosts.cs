using System.Net;
using System.Net.Sockets;
using Actors.Api.Hosting;
using Actors.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Real silos and cluster clients built with the same hosting code as <c>silo/</c> and <c>api/</c>: ADO.NET
/// membership, storage and reminders on PostgreSQL, real TCP between them. They share the test process only.
/// </summary>
public static class Hosts
{
    /// <param name="configureServices">Replaces services after the silo's own, e.g. to inject a fault.</param>
    /// <param name="settings">Configuration keys on top of the test defaults.</param>
    public static async Task<IHost> StartSilo(string connectionString, string clusterId, Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var extra = new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = FreePort().ToString(),
            ["Orleans:GatewayPort"] = FreePort().ToString(),
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            extra[key] = value;
        }
        Configure(builder, connectionString, clusterId, extra);
        builder.UseOrleans(silo => silo.UseActorsCluster(builder.Configuration));
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<IHost> StartClient(string connectionString, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        Configure(builder, connectionString, clusterId, []);
        builder.AddActorsClusterClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The settings every host of one test cluster shares; the same keys as the local start.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string clusterId) => new(PaymentTestSettings.Values)
    {
        ["ConnectionStrings:Actors"] = connectionString,
        ["Orleans:ClusterId"] = clusterId,
        ["Orleans:ServiceId"] = "actors-tests",
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Configure(HostApplicationBuilder builder, string connectionString, string clusterId, Dictionary<string, string?> extra)
    {
        // The extra keys win over the shared ones (e.g. another Privacy:ActiveMasterKey for a rotation).
        builder.Configuration.AddInMemoryCollection(Settings(connectionString, clusterId)).AddInMemoryCollection(extra);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(20));
    }
}
