using System.Net;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>Many devices paying at once for one customer, through HTTP, over two silos.</summary>
public sealed class ConcurrencyTests(TwoSiloApiFixture fixture) : IClassFixture<TwoSiloApiFixture>
{
    [Fact]
    public async Task Two_hundred_concurrent_confirms_never_exceed_the_cap()
    {
        const int allowed = 37;
        const long amount = 1_000;
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: allowed * amount);
        var checkouts = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => shopper.Checkout(amount)));

        var responses = await Task.WhenAll(checkouts.Select(checkout => shopper.Confirm(checkout, visa)));

        var succeeded = 0;
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("succeeded", (await Json(response, HttpStatusCode.OK)).GetProperty("status").GetString());
                succeeded++;
            }
            else
            {
                await Problem(response, HttpStatusCode.Conflict, "/errors/cap-exceeded");
            }
        }
        Assert.Equal(allowed, succeeded);
        var database = new StoredData(fixture.ConnectionString);
        Assert.Equal(allowed * amount, await database.SucceededSum(shopper.Id));
        Assert.Equal(allowed, await database.ChargesOf(shopper.Id));
        var limits = JsonDocument.Parse(await shopper.Client.GetStringAsync($"{shopper.Base}/limits")).RootElement;
        Assert.Equal(allowed * amount, limits.GetProperty("headroom")[0].GetProperty("spent").GetInt64());
    }

    [Fact]
    public async Task The_same_key_sent_fifty_times_at_once_charges_once()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var slow = await shopper.SaveMethod("tok_slow");
        var checkout = await shopper.Checkout(2_000);
        var key = Shopper.NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => shopper.Confirm(checkout, slow, key)));

        var bodies = new HashSet<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                bodies.Add(await response.Content.ReadAsStringAsync());
            }
            else
            {
                await Problem(response, HttpStatusCode.Conflict, "/errors/idempotency-in-flight");
            }
        }
        var body = Assert.Single(bodies);
        Assert.Equal("succeeded", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, await new StoredData(fixture.ConnectionString).ChargesOf(shopper.Id));
    }

    [Fact]
    public async Task A_retry_while_the_first_request_still_runs_gets_409_in_flight()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var slow = await shopper.SaveMethod("tok_slow");
        var checkout = await shopper.Checkout(2_000);
        var key = Shopper.NewKey();

        // The sandbox answers tok_slow after two seconds; retries every 100 ms land while it is still running.
        var first = shopper.Confirm(checkout, slow, key);
        var retries = new List<Task<HttpResponseMessage>>();
        while (!first.IsCompleted && retries.Count < 50)
        {
            retries.Add(shopper.Confirm(checkout, slow, key));
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        var inFlight = (await Task.WhenAll(retries)).Where(retry => retry.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.NotEmpty(inFlight);
        await Problem(inFlight[0], HttpStatusCode.Conflict, "/errors/idempotency-in-flight");
    }
}
