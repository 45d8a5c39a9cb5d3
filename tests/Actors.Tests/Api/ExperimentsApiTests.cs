using System.Net;
using System.Net.Http.Json;
using Actors.Grains.Experiments;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ExperimentsApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Only_customers_who_allow_analytics_are_counted_from_checkout_to_payment_in_their_variant()
    {
        var operatorClient = await fixture.ClientAs("operator", null);
        var silent = await Shopper.Create(fixture.ClientAs);
        var counted = await Shopper.Create(fixture.ClientAs);
        await Json(await counted.Client.PutAsJsonAsync($"{counted.Base}/consents/analytics", new { granted = true, policyVersion = "2026-01" }), HttpStatusCode.OK);
        var variant = ExperimentAssignment.VariantOf(PaymentTestSettings.Experiment, counted.Id);
        var before = await Tally(operatorClient, variant);

        await silent.Pay(await silent.SaveMethod("tok_visa"), 1_000);
        await counted.Pay(await counted.SaveMethod("tok_visa"), 1_000);

        var after = await Eventually.Get(() => Tally(operatorClient, variant), tally => tally.Conversions > before.Conversions, TimeSpan.FromSeconds(10));
        Assert.Equal((before.Checkouts + 1, before.Conversions + 1), (after.Checkouts, after.Conversions));
    }

    [Fact]
    public async Task Experiment_figures_are_for_operators_only()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);

        await Problem(await shopper.Client.GetAsync("/v1/experiments"), HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await (await fixture.ClientAs("support", null)).GetAsync("/v1/experiments"), HttpStatusCode.Forbidden, "/errors/forbidden");
    }

    private static async Task<(long Checkouts, long Conversions)> Tally(HttpClient operatorClient, string variant)
    {
        var list = await Json(await operatorClient.GetAsync("/v1/experiments"), HttpStatusCode.OK);
        var experiment = list.GetProperty("data").EnumerateArray().Single(item => item.GetProperty("id").GetString() == PaymentTestSettings.Experiment);
        Assert.Equal("offer", experiment.GetProperty("strategy").GetString());
        var tally = experiment.GetProperty("variants").EnumerateArray().Single(item => item.GetProperty("variant").GetString() == variant);
        return (tally.GetProperty("checkouts").GetInt64(), tally.GetProperty("conversions").GetInt64());
    }
}
