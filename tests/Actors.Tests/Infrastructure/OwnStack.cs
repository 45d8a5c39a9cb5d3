using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A database, one silo and one API node on a real Kestrel port, all of a test's own: for a test that needs its own
/// settings or services on them, or a silo it may restart. The silo's gateway is steered by <see cref="Gateway"/>.
/// </summary>
public sealed class OwnStack : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? siloSettings;
    private readonly Action<IServiceCollection>? siloServices;

    private OwnStack(string connectionString, string clusterId, IReadOnlyDictionary<string, string?>? siloSettings, Action<IServiceCollection>? siloServices)
    {
        ConnectionString = connectionString;
        ClusterId = clusterId;
        this.siloSettings = siloSettings;
        this.siloServices = siloServices;
    }

    public string ConnectionString { get; }
    public string ClusterId { get; }
    public GatewayControl Gateway { get; } = new();
    public IHost Silo { get; private set; } = null!;
    public ApiFactory Api { get; private set; } = null!;
    public StoredData Stored => new(ConnectionString);

    /// <param name="name">Names the cluster, so a failing test's logs say whose it was.</param>
    /// <param name="siloSettings">Configuration keys on the silo on top of the test defaults (<paramref name="apiSettings"/>: on the API node).</param>
    /// <param name="siloServices">Added to the silo's services after its own (and after the steered gateway).</param>
    /// <param name="apiServices">Added to the API node's services after its own.</param>
    public static async Task<OwnStack> Start(string name, IReadOnlyDictionary<string, string?>? siloSettings = null,
        Action<IServiceCollection>? siloServices = null, Action<IServiceCollection>? apiServices = null,
        IReadOnlyDictionary<string, string?>? apiSettings = null)
    {
        var stack = new OwnStack(await TestPostgres.Instance.CreateDatabase(), $"{name}-{Guid.NewGuid().ToString("N")[..8]}", siloSettings, siloServices);
        await stack.StartSilo();
        var settings = ApiFixture.NodeSettings(stack.ConnectionString, stack.ClusterId, devTokens: true);
        foreach (var (key, value) in apiSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        stack.Api = new ApiFactory(settings, apiServices);
        stack.Api.UseKestrel(0);
        stack.Api.StartServer();
        return stack;
    }

    /// <summary>Stops the silo gracefully and starts a new one with nothing in memory.</summary>
    public async Task RestartSilo()
    {
        await StopSilo();
        await StartSilo();
    }

    /// <summary>A client of the API node that presents a development token for <paramref name="role"/>.</summary>
    public Task<HttpClient> ClientAs(string role, string? customerId = null) => ApiFixture.ClientAs(Api, role, customerId);

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await StopSilo();
    }

    private async Task StartSilo() =>
        Silo = await Hosts.StartSilo(ConnectionString, ClusterId, services =>
        {
            Gateway.Install(services);
            siloServices?.Invoke(services);
        }, siloSettings);

    private async Task StopSilo()
    {
        await Silo.StopAsync();
        Silo.Dispose();
    }
}
