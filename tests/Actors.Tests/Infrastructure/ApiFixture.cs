using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Actors.Api.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// The API on a real Kestrel port as an Orleans client of a real silo, both on a fresh PostgreSQL database,
/// with development tokens switched on the way the local start does.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-of-at-least-32-characters";

    private readonly List<IHost> silos = [];

    /// <summary>How many silos the API's cluster has.</summary>
    protected virtual int SiloCount => 1;

    /// <summary>Configuration keys the silos get on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? SiloSettings => null;

    public string ConnectionString { get; private set; } = null!;
    public string ClusterId { get; } = "api-tests-" + Guid.NewGuid().ToString("N")[..8];
    public ApiFactory Api { get; private set; } = null!;

    /// <summary>The silos' payment gateway: a silent one costs a tenth of a second, and a test may hold a customer's charges.</summary>
    public GatewayControl Gateway { get; } = new();

    /// <summary>What PostgreSQL really holds for this fixture's customers.</summary>
    public StoredData Stored => new(ConnectionString);

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.Instance.CreateDatabase();
        for (var i = 0; i < SiloCount; i++)
        {
            silos.Add(await Hosts.StartSilo(ConnectionString, ClusterId, Gateway.Install, SiloSettings));
        }
        Api = new ApiFactory(Settings(devTokens: true));
        Api.UseKestrel(0);
        Api.StartServer();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        foreach (var silo in silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }

    public Dictionary<string, string?> Settings(bool devTokens) => NodeSettings(ConnectionString, ClusterId, devTokens);

    /// <summary>An API node's settings on the cluster <paramref name="clusterId"/>, signing tokens with <see cref="SigningKey"/>.</summary>
    public static Dictionary<string, string?> NodeSettings(string connectionString, string clusterId, bool devTokens)
    {
        var settings = Hosts.Settings(connectionString, clusterId);
        settings["Auth:SigningKey"] = SigningKey;
        settings["Auth:DevTokens"] = devTokens ? "true" : "false";
        // Tests drive hundreds of requests a second from one address and at one customer; RateLimitTests turn them on.
        settings["RateLimits:Enabled"] = "false";
        return settings;
    }

    /// <summary>A client that presents a development token for <paramref name="role"/>.</summary>
    public Task<HttpClient> ClientAs(string role, string? customerId = null) => ClientAs(Api, role, customerId);

    /// <summary>
    /// Like <see cref="ClientAs(string, string?)"/>, but writes header values as UTF-8, as a careless client may
    /// (HttpClient refuses to send anything but ASCII in a header otherwise).
    /// </summary>
    public Task<HttpClient> ClientWritingUtf8HeadersAs(string role, string? customerId = null) => ClientAs(Api, role, customerId, utf8Headers: true);

    /// <summary>A client of the API node <paramref name="node"/> that presents a development token for <paramref name="role"/>.</summary>
    public static Task<HttpClient> ClientAs(WebApplicationFactory<ApiEntryPoint> node, string role, string? customerId = null, bool utf8Headers = false) =>
        SignedIn(node.CreateClient(), role, customerId, utf8Headers);

    /// <summary>A client of whatever serves <paramref name="server"/> (an entry point in front of nodes) as <paramref name="role"/>.</summary>
    public static Task<HttpClient> ClientAs(Uri server, string role, string? customerId = null) =>
        SignedIn(new HttpClient { BaseAddress = server }, role, customerId, utf8Headers: false);

    private static async Task<HttpClient> SignedIn(HttpClient client, string role, string? customerId, bool utf8Headers)
    {
        var response = await client.PostAsJsonAsync("/v1/dev/tokens", new { role, customerId });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
        if (utf8Headers)
        {
            var address = client.BaseAddress;
            client.Dispose();
            client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = address };
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add("X-Device-Id", $"test-{role}");
        client.DefaultRequestHeaders.Add("X-Channel", role == "pos" ? "pos" : "web");
        return client;
    }

    private sealed record TokenBody(string AccessToken);
}

/// <summary>
/// The API's own Program with settings given the way operators give them (configuration keys); <paramref name="services"/>
/// adds to its services after its own (e.g. a log sink or a trace exporter of the test's).
/// </summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<ApiEntryPoint>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>The API over a cluster of two silos, for behaviour that must hold across silos.</summary>
public sealed class TwoSiloApiFixture : ApiFixture
{
    protected override int SiloCount => 2;
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
