namespace Actors.Tests.Infrastructure;

/// <summary>
/// An API node running as its own process, with development tokens and a management port, as <c>./start.sh</c> runs
/// one: what a scraper reads, with nothing else of the test process's hosts on its meters.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly HostProcess host;

    private ApiProcess(HostProcess host, Uri url, Uri metrics)
    {
        this.host = host;
        Url = url;
        Metrics = metrics;
    }

    public Uri Url { get; }

    /// <summary><c>/metrics</c> on the management port: served without a token, as Prometheus scrapes it.</summary>
    public Uri Metrics { get; }

    public static async Task<ApiProcess> Start(string connectionString, string clusterId)
    {
        var (port, managementPort) = (Hosts.FreePort(), Hosts.FreePort());
        var values = ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true);
        values["Urls"] = $"http://127.0.0.1:{port};http://127.0.0.1:{managementPort}";
        values["Management:Port"] = managementPort.ToString();
        values["Logging:LogLevel:Default"] = "Warning";
        var url = new Uri($"http://127.0.0.1:{port}");
        var host = await HostProcess.Start("api/Actors.Api", values, new Uri(url, "/health/ready"));
        return new ApiProcess(host, url, new Uri($"http://127.0.0.1:{managementPort}/metrics"));
    }

    /// <summary>A client of this node that presents a development token for <paramref name="role"/>.</summary>
    public Task<HttpClient> ClientAs(string role, string? customerId = null) => ApiFixture.ClientAs(Url, role, customerId);

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
