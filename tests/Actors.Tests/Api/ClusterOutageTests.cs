using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Api;

/// <summary>What a caller sees when the API node is up but no silo is: a retryable 503, never a 500.</summary>
public sealed class ClusterOutageTests
{
    [Fact]
    public async Task Calls_while_no_silo_is_up_get_503_with_retry_after_and_readiness_fails()
    {
        var database = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var silo = await Hosts.StartSilo(database, clusterId);
        await using var api = new ApiFactory(ApiFixture.NodeSettings(database, clusterId, devTokens: true));
        var client = await ApiFixture.ClientAs(api, "operator");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/customers/cus_0123456789abcdefghjk")).StatusCode);

        await silo.StopAsync();
        silo.Dispose();

        var response = await client.GetAsync("/v1/customers/cus_0123456789abcdefghjk");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.Equal("/errors/unavailable", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Type);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    private sealed record ProblemBody(string Type);
}
