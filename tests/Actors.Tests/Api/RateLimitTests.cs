using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>An API node with its rate limits on, set small, on the shared cluster.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_client_address_over_its_limit_gets_429_with_Retry_After_and_is_served_again_later()
    {
        await using var api = Node(("PerAddress:PerSecond", "1"), ("PerAddress:Burst", "8"));
        var client = await ApiFixture.ClientAs(api, "operator");
        var id = await ApiCustomers.Create(await fixture.ClientAs("operator"));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            responses.Add(await client.GetAsync($"/v1/customers/{id}"));
        }

        var refused = responses.Where(response => response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var problem = await Problem(refused[0], HttpStatusCode.TooManyRequests, "/errors/too-many-requests");
        Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        await Eventually.Get(() => client.GetAsync($"/v1/customers/{id}"), response => response.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_requests_have_a_stricter_limit_of_their_own()
    {
        await using var api = Node(("Tokens:PerSecond", "1"), ("Tokens:Burst", "3"));
        var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/v1/dev/tokens", new { role = "support" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // Other requests of the same address are not held by the token bucket.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Money_moving_requests_are_limited_per_customer_whoever_sends_them_and_a_refused_one_stores_nothing()
    {
        await using var api = Node(("Money:PerSecond", "1"), ("Money:Burst", "2"));
        // A step-up would spend the customer's money bucket (it shares it), so none here.
        var shopper = await Shopper.Create((role, id) => ApiFixture.ClientAs(api, role, id), stepUp: false);
        var body = await shopper.LinesOf(500);
        var staff = shopper.As(await ApiFixture.ClientAs(api, "operator"));

        var first = await shopper.Post("/checkouts", body, Shopper.NewKey());
        var second = await staff.Post("/checkouts", body, Shopper.NewKey());
        var events = await fixture.Stored.EventsOf(shopper.Id);
        var third = await shopper.Post("/checkouts", body, Shopper.NewKey());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        await Problem(third, HttpStatusCode.TooManyRequests, "/errors/too-many-requests");
        Assert.Equal(events, await fixture.Stored.EventsOf(shopper.Id));
        // Reads of the same customer go on.
        await shopper.Read("/cart");
    }

    [Fact]
    public async Task Step_up_challenges_are_limited_by_the_customers_strict_bucket()
    {
        await using var api = Node(("Money:PerSecond", "1"), ("Money:Burst", "2"));
        var shopper = await Shopper.Create((role, id) => ApiFixture.ClientAs(api, role, id), stepUp: false);

        // A bucket of 2 that refills one a second: twenty challenges in a row cannot all pass.
        HttpResponseMessage? refused = null;
        for (var sent = 0; sent < 20 && refused is null; sent++)
        {
            var response = await shopper.Client.PostAsync($"{shopper.Base}/step-up/challenge", null);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        await Problem(refused, HttpStatusCode.TooManyRequests, "/errors/too-many-requests");
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    private ApiFactory Node(params (string Key, string Value)[] limits)
    {
        var settings = fixture.Settings(devTokens: true);
        settings["RateLimits:Enabled"] = "true";
        foreach (var (key, value) in limits)
        {
            settings["RateLimits:" + key] = value;
        }
        var api = new ApiFactory(settings);
        api.UseKestrel(0);
        api.StartServer();
        return api;
    }
}
