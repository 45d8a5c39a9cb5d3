using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Api;

/// <summary>What the API tells browsers about itself, who reads its metrics, and the address its reference names.</summary>
[Collection(ApiCollection.Name)]
public sealed class ManagementTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/v1/catalog")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await fixture.Api.CreateClient().GetAsync(path);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Metrics_on_the_public_port_are_for_operators_only()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api.CreateClient().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAs("support")).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAs("pos")).GetAsync("/metrics")).StatusCode);

        var metrics = await (await fixture.ClientAs("operator")).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_management_port_metrics_are_served_there_alone()
    {
        var (publicPort, managementPort) = (Hosts.FreePort(), Hosts.FreePort());
        var settings = fixture.Settings(devTokens: true);
        settings["Management:Port"] = managementPort.ToString();
        await using var api = new ApiFactory(settings);
        api.UseKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(publicPort);
            kestrel.ListenLocalhost(managementPort);
        });
        api.StartServer();
        using var scraper = new HttpClient();

        var operatorClient = await ApiFixture.ClientAs(api, "operator");
        var scraped = await scraper.GetAsync($"http://localhost:{managementPort}/metrics");

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await scraped.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"http://localhost:{publicPort}/metrics")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_names_its_configured_address_never_the_requests_Host()
    {
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        spoofed.Headers.Host = "attacker.example";
        var unconfigured = await (await fixture.Api.CreateClient().SendAsync(spoofed)).Content.ReadAsStringAsync();

        var settings = fixture.Settings(devTokens: true);
        settings["Management:PublicUrl"] = "https://pay.example.com";
        await using var api = new ApiFactory(settings);
        var configured = await api.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.DoesNotContain("attacker.example", unconfigured);
        Assert.Equal("https://pay.example.com", configured.GetProperty("servers")[0].GetProperty("url").GetString());
    }
}
