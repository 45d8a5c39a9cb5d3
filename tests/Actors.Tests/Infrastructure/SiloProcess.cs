namespace Actors.Tests.Infrastructure;

/// <summary>
/// A silo running as its own process: what a crash test kills with SIGKILL (no graceful stop, no deactivation, no
/// last write) and what a scraper reads on <see cref="HttpPort"/>.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly HostProcess host;

    private SiloProcess(HostProcess host, int siloPort, int httpPort)
    {
        this.host = host;
        SiloPort = siloPort;
        HttpPort = httpPort;
    }

    /// <summary>The silo-to-silo port: <c>SiloAddress.Endpoint.Port</c> of this silo.</summary>
    public int SiloPort { get; }

    /// <summary>Where it serves <c>/metrics</c> and <c>/health</c>.</summary>
    public int HttpPort { get; }

    public bool HasExited => host.HasExited;

    /// <param name="settings">Extra configuration (keys with ':'), e.g. a longer gateway timeout.</param>
    public static async Task<SiloProcess> Start(string connectionString, string clusterId, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (siloPort, gatewayPort, httpPort) = (Hosts.FreePort(), Hosts.FreePort(), Hosts.FreePort());
        var values = Hosts.Settings(connectionString, clusterId);
        values["Orleans:SiloPort"] = siloPort.ToString();
        values["Orleans:GatewayPort"] = gatewayPort.ToString();
        values["Orleans:AdvertisedIP"] = "127.0.0.1";
        // Failure detection is the production one (Actors.Silo.Hosting.FailureDetection): what the fault tests measure.
        values["Urls"] = $"http://127.0.0.1:{httpPort}";
        values["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var host = await HostProcess.Start("silo/Actors.Silo", values, new Uri($"http://127.0.0.1:{httpPort}/health/ready"));
        return new SiloProcess(host, siloPort, httpPort);
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public void Kill() => host.Kill();

    /// <summary>SIGTERM: the graceful stop an orchestrator asks for; the silo drains, deactivates its grains and leaves.</summary>
    public Task Stop(TimeSpan within) => host.Stop(within);

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
