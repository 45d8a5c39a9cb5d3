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
        Assert.Equal(allowed * amount, await fixture.Stored.SucceededSum(shopper.Id));
        Assert.Equal(allowed, await fixture.Stored.ChargesOf(shopper.Id));
        var limits = await shopper.Read("/limits");
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
        Assert.Equal(1, await fixture.Stored.ChargesOf(shopper.Id));
    }

    [Fact]
    public async Task Every_retry_while_the_first_request_still_runs_gets_409_in_flight_and_the_first_pays_once()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        var checkout = await shopper.Checkout(2_000);
        var key = Shopper.NewKey();
        using var hold = fixture.Gateway.Hold(shopper.Id);

        // Retries go only once the first request is at the gateway, its reservation written: certainly still running.
        var first = shopper.Confirm(checkout, visa, key);
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        var together = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => shopper.Confirm(checkout, visa, key)));
        var oneByOne = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            oneByOne.Add(await shopper.Confirm(checkout, visa, key));
        }
        var stillRunning = !first.IsCompleted;
        hold.Release();

        Assert.True(stillRunning);
        foreach (var retry in together.Concat(oneByOne))
        {
            await Problem(retry, HttpStatusCode.Conflict, "/errors/idempotency-in-flight");
        }
        var paid = await Json(await first, HttpStatusCode.OK);
        Assert.Equal("succeeded", paid.GetProperty("status").GetString());
        Assert.Equal(2_000, await fixture.Stored.SucceededSum(shopper.Id));
        Assert.Equal(1, await fixture.Stored.ChargesOf(shopper.Id));
    }
}
