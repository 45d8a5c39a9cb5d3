using System.Net;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Observability;

/// <summary>The Orleans Dashboard's door on a real API node.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrleansDashboardTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_Orleans_Dashboard_is_for_operators_only_and_keeps_the_content_security_policy()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api.CreateClient().GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAs("customer", "cus_0123456789abcdefghjk")).GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAs("support")).GetAsync("/dashboard/")).StatusCode);

        var operatorClient = await fixture.ClientAs("operator");
        var page = await operatorClient.GetAsync("/dashboard/");
        var stats = await operatorClient.GetAsync("/dashboard/ClusterStats");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }
}
