using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>
/// What support reads to answer a customer or a dispute: the timeline, the customer as of a moment, and a payment's
/// context, all rebuilt from the journal, masked for support, each read journaled; and what support may not do.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SupportTimelineTests(ApiFixture fixture)
{
    private static async Task Consent(Shopper shopper, string purpose, bool granted) =>
        await Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/consents/{purpose}", new { granted, policyVersion = "2026-01" }), HttpStatusCode.OK);

    private async Task<long> SupportAccesses(string customerId) =>
        (await fixture.Stored.EventTypesOf(customerId)).Count(type => type == "support-accessed-v1");

    private static string Instant(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    private static JsonElement Consent(JsonElement view, string purpose) =>
        view.GetProperty("consents").EnumerateArray().Single(consent => consent.GetProperty("purpose").GetString() == purpose);

    private static JsonElement Daily(JsonElement headroom) =>
        headroom.EnumerateArray().Single(room => room.GetProperty("window").GetString() == "daily");

    [Fact]
    public async Task Support_reads_the_timeline_newest_first_masked_in_pages_and_each_read_is_journaled()
    {
        var merchant = await fixture.ClientAs("operator");
        var id = await ApiCustomers.Create(merchant, SampleProfiles.Ada() with { HomeCurrency = "EUR" });
        var shopper = new Shopper(await fixture.ClientAs("customer", id), id, merchant);
        await shopper.StepUp();
        var profile = (await shopper.Read("")).Clone();
        await Consent(shopper, "marketing", granted: true);
        await shopper.SetLimits(daily: 30_000);
        var visa = await shopper.SaveMethod("tok_visa");
        var paid = await shopper.Pay(visa, await shopper.CheckoutBody("EUR", "Gift for my neighbour Bob", ("sku-timeline", "Kettle", 2_500, 1)));
        var support = await fixture.ClientAs("support");

        var response = await support.GetAsync($"/v1/customers/{id}/timeline");
        var raw = await response.Content.ReadAsStringAsync();
        var timeline = await Json(response, HttpStatusCode.OK);

        Assert.DoesNotContain("Lovelace", raw);
        Assert.DoesNotContain(profile.GetProperty("email").GetString()!, raw);
        Assert.DoesNotContain(profile.GetProperty("phone").GetString()!, raw);
        Assert.DoesNotContain("neighbour", raw);
        Assert.Equal("A***", timeline.GetProperty("profile").GetProperty("displayName").GetString());
        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();
        // Newest first: this very read, then the payment's life, the checkout, the card, the caps, the consent, the creation.
        Assert.Equal("audit", entries[0].GetProperty("kind").GetString());
        Assert.Equal("Support (dev-support) opened the timeline", entries[0].GetProperty("summary").GetString());
        Assert.Equal(entries.Select(entry => entry.GetProperty("sequence").GetInt64()).OrderDescending(), entries.Select(entry => entry.GetProperty("sequence").GetInt64()));
        Assert.Contains(entries, entry => entry.GetProperty("kind").GetString() == "payment"
            && entry.GetProperty("summary").GetString() == $"Payment {paid} succeeded");
        Assert.Contains(entries, entry => entry.GetProperty("kind").GetString() == "payment"
            && entry.GetProperty("summary").GetString()!.StartsWith($"Payment {paid} reserved: 25.00 EUR by visa ending 4242"));
        Assert.Contains(entries, entry => entry.GetProperty("kind").GetString() == "checkout" && entry.GetProperty("summary").GetString()!.Contains("\"***\""));
        Assert.Contains(entries, entry => entry.GetProperty("summary").GetString() == "Caps set: daily 300.00 EUR, weekly none, monthly none");
        Assert.Contains(entries, entry => entry.GetProperty("summary").GetString() == "marketing granted under policy 2026-01 via web");
        Assert.Equal("profile", entries[^1].GetProperty("kind").GetString());
        Assert.StartsWith("Customer created: A***, a***@example.com, +", entries[^1].GetProperty("summary").GetString());
        Assert.DoesNotContain(entries, entry => entry.GetProperty("kind").GetString() == "session");
        Assert.Equal(1, await SupportAccesses(id));

        // Pages of two, following nextBefore, give the same entries (and one more access each, newest first).
        var paged = new List<long>();
        string? next = "";
        while (next is not null)
        {
            var page = await Json(await support.GetAsync($"/v1/customers/{id}/timeline?limit=2{(next.Length > 0 ? "&before=" + next : "")}"), HttpStatusCode.OK);
            Assert.True(page.GetProperty("entries").GetArrayLength() <= 2);
            paged.AddRange(page.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("sequence").GetInt64()));
            next = page.GetProperty("nextBefore").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextBefore").GetInt64().ToString();
        }
        var all = entries.Select(entry => entry.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(all, paged.SkipWhile(sequence => sequence > all[0]));
        Assert.True(await SupportAccesses(id) > 2);
    }

    [Fact]
    public async Task As_of_a_moment_shows_the_caps_and_consents_that_applied_then_and_a_payment_shows_why_it_went_as_it_did()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");
        await shopper.Pay(visa, 1_000);
        await shopper.Pay(visa, 1_200);
        await shopper.SetLimits(daily: 20_000);
        var beforeChange = DateTimeOffset.UtcNow;
        await shopper.SetLimits(daily: 8_000);
        await Consent(shopper, "personalization", granted: true);
        var afterChange = DateTimeOffset.UtcNow;
        var paid = await shopper.Pay(visa, 1_500);
        var support = await fixture.ClientAs("support");

        var then = await Json(await support.GetAsync($"/v1/customers/{shopper.Id}/as-of?at={Instant(beforeChange)}"), HttpStatusCode.OK);
        var later = await Json(await support.GetAsync($"/v1/customers/{shopper.Id}/as-of?at={Instant(afterChange)}"), HttpStatusCode.OK);
        var context = await Json(await support.GetAsync($"/v1/customers/{shopper.Id}/payments/{paid}/context"), HttpStatusCode.OK);

        Assert.Equal(20_000, then.GetProperty("caps").GetProperty("daily").GetInt64());
        Assert.False(Consent(then, "personalization").GetProperty("granted").GetBoolean());
        Assert.Equal(2, then.GetProperty("paymentMethods").GetArrayLength());
        Assert.Equal(8_000, later.GetProperty("caps").GetProperty("daily").GetInt64());
        Assert.True(Consent(later, "personalization").GetProperty("granted").GetBoolean());
        Assert.Equal("G***", later.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, later.GetProperty("selfExclusion").ValueKind);

        // Just before the reservation: the 8,000 cap with 2,200 spent today, the consent granted.
        var before = context.GetProperty("before");
        Assert.Equal(8_000, before.GetProperty("caps").GetProperty("daily").GetInt64());
        Assert.Equal(5_800, Daily(before.GetProperty("caps").GetProperty("headroom")).GetProperty("remaining").GetInt64());
        Assert.True(Consent(before, "personalization").GetProperty("granted").GetBoolean());
        // The summary the payment was made from, and the purpose that shaped it.
        var checkout = context.GetProperty("checkout");
        Assert.Equal(1_500, checkout.GetProperty("total").GetInt64());
        Assert.Equal(5_800, Daily(checkout.GetProperty("headroom")).GetProperty("remaining").GetInt64());
        Assert.Equal(["personalization"], context.GetProperty("personalizedBy").EnumerateArray().Select(purpose => purpose.GetString()));
        Assert.Equal(paid, context.GetProperty("payment").GetProperty("payment").GetProperty("id").GetString());
        Assert.Equal(["as-of", "as-of", "payment-context"], await ReadsOf(shopper.Id));
    }

    [Fact]
    public async Task Operators_read_unmasked_customers_may_not_read_and_a_moment_before_the_customer_is_not_found()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var operatorClient = await fixture.ClientAs("operator");

        var timeline = await Json(await operatorClient.GetAsync($"/v1/customers/{shopper.Id}/timeline"), HttpStatusCode.OK);
        var own = await shopper.Client.GetAsync($"/v1/customers/{shopper.Id}/timeline");
        var early = await operatorClient.GetAsync($"/v1/customers/{shopper.Id}/as-of?at={Instant(DateTimeOffset.UtcNow.AddYears(-1))}");
        var missing = await operatorClient.GetAsync($"/v1/customers/{shopper.Id}/as-of");
        var badLimit = await operatorClient.GetAsync($"/v1/customers/{shopper.Id}/timeline?limit=0");

        Assert.Equal("Grace Hopper", timeline.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.StartsWith("Customer created: Grace Hopper, grace.", timeline.GetProperty("entries").EnumerateArray().Last().GetProperty("summary").GetString());
        await Problem(own, HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(early, HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(missing, HttpStatusCode.BadRequest, "/errors/validation");
        await Problem(badLimit, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.Equal(0, await SupportAccesses(shopper.Id));
    }

    [Fact]
    public async Task A_support_read_refused_for_an_unknown_payment_or_a_moment_before_the_customer_records_nothing()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var support = await fixture.ClientAs("support");
        var stored = await fixture.Stored.EventsOf(shopper.Id);

        var unknown = await support.GetAsync($"/v1/customers/{shopper.Id}/payments/pay_0123456789abcdefghjk/context");
        var early = await support.GetAsync($"/v1/customers/{shopper.Id}/as-of?at={Instant(DateTimeOffset.UtcNow.AddDays(-1))}");
        var malformed = await support.GetAsync($"/v1/customers/{shopper.Id}/timeline?before=-1");

        await Problem(unknown, HttpStatusCode.NotFound, "/errors/payment-not-found");
        await Problem(early, HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(malformed, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.Equal(stored, await fixture.Stored.EventsOf(shopper.Id));
    }

    [Fact]
    public async Task Support_cannot_move_money_or_loosen_limits_and_its_refused_requests_store_nothing()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 5_000);
        var paid = await shopper.Pay(visa, 1_000);
        var checkout = await shopper.Checkout(1_000);
        var support = shopper.As(await fixture.ClientAs("support"));
        var stored = await fixture.Stored.EventsOf(shopper.Id);

        HttpResponseMessage[] refused =
        [
            await support.Post("/checkouts", await shopper.LinesOf(1_000), Shopper.NewKey()),
            await support.Confirm(checkout, visa),
            await support.Refund(paid, """{"amount":500}"""),
            await support.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { daily = 50_000 }),
            await support.Client.PostAsJsonAsync($"{shopper.Base}/self-exclusion", new { until = DateTimeOffset.UtcNow.AddDays(30) }),
            await support.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods",
                new { token = "tok_mastercard", brand = "mastercard", last4 = "4444", expiryMonth = 1, expiryYear = 2031, billingCountry = "DE", preferred = true }),
            await support.Client.DeleteAsync($"{shopper.Base}/payment-methods/{visa}"),
        ];

        foreach (var response in refused)
        {
            await Problem(response, HttpStatusCode.Forbidden, "/errors/forbidden");
        }
        Assert.Equal(stored, await fixture.Stored.EventsOf(shopper.Id));
        Assert.Equal(5_000, (await shopper.Read("/limits")).GetProperty("daily").GetInt64());
        Assert.Equal(1, (await shopper.Read("/payment-methods")).GetArrayLength());
    }

    /// <summary>What support opened on the customer, oldest first, as the journal holds it.</summary>
    private async Task<string[]> ReadsOf(string customerId)
    {
        var operatorClient = await fixture.ClientAs("operator");
        var export = await Json(await operatorClient.GetAsync($"/v1/customers/{customerId}/export"), HttpStatusCode.OK);
        return [.. export.GetProperty("audit").EnumerateArray()
            .Where(entry => entry.GetProperty("kind").GetString() == "support-access")
            .Select(entry => entry.GetProperty("summary").GetString()!.Replace("Support (dev-support) opened the ", ""))
            .Reverse()];
    }
}
