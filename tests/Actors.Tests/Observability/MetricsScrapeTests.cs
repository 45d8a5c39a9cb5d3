using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Observability;

/// <summary>
/// A silo and an API node as the processes operators run, on a database of their own, after traffic that gives every
/// platform meter something to count: what Prometheus scrapes from each (the silo's <c>/metrics</c> and the API node's
/// management port).
/// </summary>
public sealed class ScrapedPlatform : IAsyncLifetime
{
    private SiloProcess silo = null!;
    private ApiProcess api = null!;

    /// <summary>The silo's scrape and the API node's, after the traffic.</summary>
    public (string Silo, string Api) Scrapes { get; private set; }

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        silo = await SiloProcess.Start(connectionString, clusterId);
        api = await ApiProcess.Start(connectionString, clusterId);
        await DriveEveryMeter();

        using var scraper = new HttpClient();
        // The reconcile reminder settles the timed-out payment a few seconds later; everything else is counted at once.
        var siloScrape = await Eventually.Get(() => scraper.GetStringAsync($"http://127.0.0.1:{silo.HttpPort}/metrics"),
            text => Has(text, "actors_reconciliations_total", ("kind", "payment")), within: TimeSpan.FromSeconds(60));
        Scrapes = (siloScrape, await scraper.GetStringAsync(api.Metrics));
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await silo.DisposeAsync();
    }

    /// <summary>Whether a sample of <paramref name="metric"/> carries every one of <paramref name="labels"/>.</summary>
    public static bool Has(string scrape, string metric, params (string Name, string Value)[] labels) =>
        scrape.Split('\n').Any(line => Regex.IsMatch(line, $"^{Regex.Escape(metric)}[{{ ]")
            && labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)));

    private async Task DriveEveryMeter()
    {
        var shopper = await Shopper.Create(api.ClientAs);
        var card = await shopper.SaveMethod("tok_visa");
        var checkoutId = await shopper.Checkout(1_000);
        var key = Shopper.NewKey();
        await Json(await shopper.Confirm(checkoutId, card, key), HttpStatusCode.OK);
        await Json(await shopper.Confirm(checkoutId, card, key), HttpStatusCode.OK);
        await shopper.Confirm(await shopper.Checkout(1_000), await shopper.SaveMethod("tok_chargeDeclined", last4: "0002"));
        await shopper.Confirm(await shopper.Checkout(1_000), await shopper.SaveMethod("tok_stepUpRequired", last4: "3184"));
        await shopper.SetConsent("marketing", granted: true);
        await shopper.SetConsent("marketing", granted: false);
        var slow = await shopper.SaveMethod("tok_timeout", last4: "0341");
        await Json(await shopper.Confirm(await shopper.Checkout(300), slow), HttpStatusCode.Accepted);
        await shopper.SetLimits(daily: 500);
        Assert.Equal(HttpStatusCode.Conflict, (await shopper.Confirm(await shopper.Checkout(1_000), card)).StatusCode);
        var older = await Shopper.Create(api.ClientAs, stepUp: false);
        await Json(await shopper.Merchant.PostAsJsonAsync($"{shopper.Base}/merge", new { from = older.Id }), HttpStatusCode.OK);
        await using var device = await LiveDevice.Watching(shopper.Client);
        await shopper.AddToCart("sku-metrics", 100, version: (await shopper.Read("/cart")).GetProperty("version").GetInt64());
        await device.WaitFor("CartChanged");
    }
}

/// <summary>The platform's own meters on the scrapes, with their documented names and label values, and the Grafana dashboard's queries.</summary>
public sealed class MetricsScrapeTests(ScrapedPlatform platform) : IClassFixture<ScrapedPlatform>
{
    private static readonly string[] PromQlWords =
        ["sum", "by", "rate", "count", "histogram_quantile", "le", "status", "reason", "window", "method", "http_route"];

    [Fact]
    public void The_silo_exports_every_payment_and_journal_meter_with_its_documented_labels()
    {
        var scrape = platform.Scrapes.Silo;

        Assert.True(ScrapedPlatform.Has(scrape, "actors_checkouts_created_total"), "checkouts created");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_checkouts_confirmed_total"), "checkouts confirmed");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_payments_total", ("status", "succeeded")), "payments succeeded");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_payments_total", ("status", "requires_action")), "payments requires_action, as the API spells it");
        Assert.DoesNotContain("requiresaction", scrape);
        Assert.True(ScrapedPlatform.Has(scrape, "actors_payments_declines_total", ("reason", "card_declined")), "declines by reason");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_cap_blocks_total", ("window", "daily")), "cap blocks");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_step_ups_total", ("kind", "account"), ("outcome", "verified")), "account step-ups");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_step_ups_total", ("kind", "payment"), ("outcome", "started")), "payment step-ups");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_idempotent_replays_total"), "idempotent replays");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_merges_total"), "merges");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_consent_changes_total", ("purpose", "marketing"), ("change", "granted")), "consent granted");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_consent_changes_total", ("purpose", "marketing"), ("change", "withdrawn")), "consent withdrawn");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_reconciliations_total", ("kind", "payment"), ("outcome", "succeeded")), "reconciliations");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_journal_batch_size_bucket"), "journal batch size");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_journal_commit_duration_seconds_bucket"), "journal commit latency");
    }

    [Fact]
    public void The_API_node_exports_its_requests_and_live_fan_out()
    {
        var scrape = platform.Scrapes.Api;

        Assert.True(ScrapedPlatform.Has(scrape, "http_server_request_duration_seconds_bucket", ("http_route", "/v1/customers/{customerId}/checkouts/{checkoutId}/confirm")), "requests by route");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_live_connections"), "live connections");
        Assert.True(ScrapedPlatform.Has(scrape, "actors_live_messages_total", ("method", "CartChanged")), "events pushed");
    }

    [Fact]
    public async Task Every_Grafana_panel_query_names_a_metric_the_platform_exports()
    {
        var exported = Regex.Matches(platform.Scrapes.Silo + "\n" + platform.Scrapes.Api, @"^([a-z_:][a-z0-9_:]*)[{ ]", RegexOptions.Multiline)
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
