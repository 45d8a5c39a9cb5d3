using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Observability;

/// <summary>The platform's own meters on <c>/metrics</c>, driven through the real API, and the Orleans Dashboard's door.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformMetricsTests(ApiFixture fixture)
{
    [Fact]
    public async Task Every_platform_meter_appears_on_the_scrape_with_its_documented_labels()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
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
        var older = await Shopper.Create(fixture.ClientAs, stepUp: false);
        await Json(await shopper.Merchant.PostAsJsonAsync($"{shopper.Base}/merge", new { from = older.Id }), HttpStatusCode.OK);
        await using var device = await LiveDevice.Watching(shopper.Client);
        await shopper.AddToCart("sku-metrics", 100, version: (await shopper.Read("/cart")).GetProperty("version").GetInt64());
        await device.WaitFor("CartChanged");

        var operatorClient = await fixture.ClientAs("operator");
        var scrape = await Eventually.Get(() => operatorClient.GetStringAsync("/metrics"),
            text => Has(text, "actors_reconciliations_total", ("kind", "payment")), within: TimeSpan.FromSeconds(60));

        Assert.True(Has(scrape, "actors_checkouts_created_total"), "checkouts created");
        Assert.True(Has(scrape, "actors_checkouts_confirmed_total"), "checkouts confirmed");
        Assert.True(Has(scrape, "actors_payments_total", ("status", "succeeded")), "payments succeeded");
        Assert.True(Has(scrape, "actors_payments_total", ("status", "requires_action")), "payments requires_action, as the API spells it");
        Assert.DoesNotContain("requiresaction", scrape);
        Assert.True(Has(scrape, "actors_payments_declines_total", ("reason", "card_declined")), "declines by reason");
        Assert.True(Has(scrape, "actors_cap_blocks_total", ("window", "daily")), "cap blocks");
        Assert.True(Has(scrape, "actors_step_ups_total", ("kind", "account"), ("outcome", "verified")), "account step-ups");
        Assert.True(Has(scrape, "actors_step_ups_total", ("kind", "payment"), ("outcome", "started")), "payment step-ups");
        Assert.True(Has(scrape, "actors_idempotent_replays_total"), "idempotent replays");
        Assert.True(Has(scrape, "actors_merges_total"), "merges");
        Assert.True(Has(scrape, "actors_consent_changes_total", ("purpose", "marketing"), ("change", "granted")), "consent granted");
        Assert.True(Has(scrape, "actors_consent_changes_total", ("purpose", "marketing"), ("change", "withdrawn")), "consent withdrawn");
        Assert.True(Has(scrape, "actors_reconciliations_total", ("kind", "payment"), ("outcome", "succeeded")), "reconciliations");
        Assert.True(Has(scrape, "actors_live_connections"), "live connections");
        Assert.True(Has(scrape, "actors_live_messages_total", ("method", "CartChanged")), "events pushed");
        Assert.True(Has(scrape, "actors_journal_batch_size_bucket"), "journal batch size");
        Assert.True(Has(scrape, "actors_journal_commit_duration_seconds_bucket"), "journal commit latency");
    }

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

    /// <summary>Whether a sample of <paramref name="metric"/> carries every one of <paramref name="labels"/>.</summary>
    private static bool Has(string scrape, string metric, params (string Name, string Value)[] labels) =>
        scrape.Split('\n').Any(line => Regex.IsMatch(line, $"^{Regex.Escape(metric)}[{{ ]")
            && labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)));
}
