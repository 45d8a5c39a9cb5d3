using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Observability;

/// <summary>Every query of the Grafana dashboard names a metric a real API node (over its real silo) exports after traffic.</summary>
[Collection(ApiCollection.Name)]
public sealed class GrafanaDashboardTests(ApiFixture fixture)
{
    private static readonly string[] PromQlWords =
        ["sum", "by", "rate", "count", "histogram_quantile", "le", "status", "reason", "window", "method", "http_route"];

    [Fact]
    public async Task Every_panel_query_names_a_metric_the_platform_exports()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var card = await shopper.SaveMethod("tok_visa");
        await Json(await shopper.Confirm(await shopper.Checkout(1_000), card), HttpStatusCode.OK);
        await shopper.Confirm(await shopper.Checkout(1_000), await shopper.SaveMethod("tok_chargeDeclined", last4: "0002"));
        await shopper.SetLimits(daily: 500);
        await shopper.Confirm(await shopper.Checkout(1_000), card);
        await using var device = await LiveDevice.Watching(shopper.Client);
        await shopper.AddToCart("sku-grafana", 100, version: (await shopper.Read("/cart")).GetProperty("version").GetInt64());
        await device.WaitFor("CartChanged");

        var operatorClient = await fixture.ClientAs("operator");
        var exported = Regex.Matches(await operatorClient.GetStringAsync("/metrics"), @"^([a-z_:][a-z0-9_:]*)[{ ]", RegexOptions.Multiline)
            .Select(match => match.Groups[1].Value).ToHashSet();
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "deploy", "grafana", "dashboards", "actors.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target => target.GetProperty("expr").GetString()!)).ToList();

        Assert.NotEmpty(queries);
        var missing = new List<string>();
        foreach (var query in queries)
        {
            // Names outside label matchers ({…}) and ranges ([…]) that are not PromQL's own words are metrics.
            var bare = Regex.Replace(Regex.Replace(query, @"\{[^}]*\}", ""), @"\[[^\]]*\]", "");
            var names = Regex.Matches(bare, @"[a-z_][a-z0-9_]*").Select(match => match.Value).Where(name => !PromQlWords.Contains(name)).ToList();
            Assert.NotEmpty(names);
            missing.AddRange(names.Where(name => !exported.Contains(name)).Select(name => $"{name} (in {query})"));
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }
}
