using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>The export of everything held on a customer: every fact, as the customer, support (masked) and operators read it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExportApiTests(ApiFixture fixture)
{
    /// <summary>
    /// A customer with a profile (phone included), a loyalty card, consents changed twice, a cap set, lowered and a
    /// raise pending, two devices, a cart, a saved card and three payments, the last one partly refunded.
    /// </summary>
    private async Task<(Shopper Shopper, string Card, string[] Payments)> FullCustomer()
    {
        var merchant = await fixture.ClientAs("operator");
        var id = await ApiCustomers.Create(merchant, SampleProfiles.Ada() with { HomeCurrency = "EUR" });
        var shopper = new Shopper(await fixture.ClientAs("customer", id), id, merchant);
        await shopper.StepUp();

        var card = Shopper.NewLoyaltyCard();
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        await Consent(shopper.Client, shopper.Base, "marketing", granted: true);
        await Consent(shopper.Client, shopper.Base, "marketing", granted: false);
        await shopper.SetLimits(daily: 50_000);
        await shopper.SetLimits(daily: 40_000);
        await shopper.SetLimits(daily: 60_000);

        var tablet = await fixture.ClientAs("customer", id);
        tablet.DefaultRequestHeaders.Remove("X-Device-Id");
        tablet.DefaultRequestHeaders.Remove("X-Channel");
        tablet.DefaultRequestHeaders.Add("X-Device-Id", "kitchen-tablet");
        tablet.DefaultRequestHeaders.Add("X-Channel", "mobile");
        tablet.DefaultRequestHeaders.Add("X-Device-Label", "Kitchen tablet");
        Assert.Equal(HttpStatusCode.OK, (await shopper.AddToCart("sku-export-mug", 900, version: 0, through: tablet)).StatusCode);

        var visa = await shopper.SaveMethod("tok_visa");
        var first = await shopper.Pay(visa, 1_000);
        var second = await shopper.Pay(visa, 2_000);
        var third = await shopper.Pay(visa, await shopper.CheckoutBody("EUR", "Birthday present for Alan", ("sku-export-book", "Book", 3_000, 1)));
        await Json(await shopper.As(merchant).Refund(third, """{"amount":1000}"""), HttpStatusCode.Created);
        return (shopper, card, [first, second, third]);
    }

    private static async Task Consent(HttpClient client, string customerBase, string purpose, bool granted) =>
        await Json(await client.PutAsJsonAsync($"{customerBase}/consents/{purpose}", new { granted, policyVersion = "2026-01" }), HttpStatusCode.OK);

    private static async Task<(JsonElement Export, string Raw, HttpResponseMessage Response)> Export(HttpClient client, string customerId)
    {
        var response = await client.GetAsync($"/v1/customers/{customerId}/export");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        return (JsonDocument.Parse(raw).RootElement, raw, response);
    }

    private static JsonElement Payment(JsonElement export, string paymentId) =>
        export.GetProperty("payments").EnumerateArray().Single(payment => payment.GetProperty("payment").GetProperty("id").GetString() == paymentId);

    [Fact]
    public async Task The_customer_exports_every_fact_held_on_them_and_never_a_card_token()
    {
        var (shopper, card, payments) = await FullCustomer();
        var profile = (await shopper.Read("")).Clone();

        var (export, raw, response) = await Export(shopper.Client, shopper.Id);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"customer-{shopper.Id}.json\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(shopper.Id, export.GetProperty("customerId").GetString());
        Assert.Equal("Ada Lovelace", export.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal(profile.GetProperty("email").GetString(), export.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal(profile.GetProperty("phone").GetString(), export.GetProperty("profile").GetProperty("phone").GetString());
        Assert.Contains(export.GetProperty("identities").EnumerateArray(), identity =>
            identity.GetProperty("kind").GetString() == "card" && identity.GetProperty("value").GetString() == card);

        var marketing = export.GetProperty("consents").GetProperty("current").EnumerateArray().Single(c => c.GetProperty("purpose").GetString() == "marketing");
        Assert.False(marketing.GetProperty("granted").GetBoolean());
        Assert.Equal([false, true], export.GetProperty("consents").GetProperty("history").EnumerateArray().Select(c => c.GetProperty("granted").GetBoolean()));

        var limits = export.GetProperty("limits");
        Assert.Equal(40_000, limits.GetProperty("current").GetProperty("daily").GetInt64());
        Assert.Equal("EUR", limits.GetProperty("current").GetProperty("currency").GetString());
        var pending = Assert.Single(limits.GetProperty("pending").EnumerateArray());
        Assert.Equal(("daily", 60_000L), (pending.GetProperty("window").GetString(), pending.GetProperty("amount").GetInt64()));
        Assert.Equal([40_000L, 40_000L, 50_000L], limits.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("daily").GetInt64()));
        Assert.Equal(60_000, limits.GetProperty("history")[0].GetProperty("pending")[0].GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, export.GetProperty("selfExclusion").ValueKind);

        var sessions = export.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Contains(sessions, session => session.GetProperty("deviceId").GetString() == "test-customer" && session.GetProperty("channel").GetString() == "web");
        Assert.Contains(sessions, session => session.GetProperty("deviceId").GetString() == "kitchen-tablet"
            && session.GetProperty("deviceLabel").GetString() == "Kitchen tablet" && session.GetProperty("channel").GetString() == "mobile");

        var line = Assert.Single(export.GetProperty("cart").GetProperty("lines").EnumerateArray());
        Assert.Equal(("sku-export-mug", 900L), (line.GetProperty("sku").GetString(), line.GetProperty("unitPrice").GetInt64()));

        var method = Assert.Single(export.GetProperty("paymentMethods").EnumerateArray());
        Assert.Equal(("visa", "4242", 12, 2030), (method.GetProperty("brand").GetString(), method.GetProperty("last4").GetString(),
            method.GetProperty("expiryMonth").GetInt32(), method.GetProperty("expiryYear").GetInt32()));
        Assert.DoesNotContain("tok_visa", raw);
        Assert.DoesNotContain("token", raw, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(3, export.GetProperty("payments").GetArrayLength());
        Assert.Equal(1_000, Payment(export, payments[0]).GetProperty("payment").GetProperty("amount").GetInt64());
        Assert.Equal(2_000, Payment(export, payments[1]).GetProperty("payment").GetProperty("amount").GetInt64());
        var refunded = Payment(export, payments[2]);
        Assert.Equal(3_000, refunded.GetProperty("payment").GetProperty("amount").GetInt64());
        Assert.Equal("partially_refunded", refunded.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("Birthday present for Alan", refunded.GetProperty("payment").GetProperty("description").GetString());
        Assert.Equal(["authorized", "succeeded", "refunded"], refunded.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(1_000, Assert.Single(refunded.GetProperty("refunds").EnumerateArray()).GetProperty("amount").GetInt64());

        // Two consent changes and three cap changes; a customer's own read is not a support access.
        Assert.Equal(["limits", "limits", "limits", "consent", "consent"], export.GetProperty("audit").EnumerateArray().Select(entry => entry.GetProperty("kind").GetString()));
        Assert.Equal("marketing withdrawn via web under policy 2026-01", export.GetProperty("audit")[3].GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Support_exports_masked_and_each_export_is_journaled_before_it_is_answered()
    {
        var (shopper, _, payments) = await FullCustomer();
        var profile = (await shopper.Read("")).Clone();
        var support = await fixture.ClientAs("support");

        var (export, raw, _) = await Export(support, shopper.Id);

        Assert.DoesNotContain("Ada Lovelace", raw);
        Assert.DoesNotContain("Lovelace", raw);
        Assert.DoesNotContain(profile.GetProperty("email").GetString()!, raw);
        Assert.DoesNotContain(profile.GetProperty("phone").GetString()!, raw);
        Assert.DoesNotContain("Kitchen tablet", raw);
        Assert.DoesNotContain("Birthday", raw);
        Assert.DoesNotContain("tok_visa", raw);
        Assert.Equal("A***", export.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal("a***@example.com", export.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal("***", Payment(export, payments[2]).GetProperty("payment").GetProperty("description").GetString());
        // The facts that are not personal data stay whole.
        Assert.Equal(40_000, export.GetProperty("limits").GetProperty("current").GetProperty("daily").GetInt64());
        Assert.Equal(3, export.GetProperty("payments").GetArrayLength());

        // The read was durable before the answer: the export itself lists it, and so does the journal.
        var access = export.GetProperty("audit")[0];
        Assert.Equal("support-access", access.GetProperty("kind").GetString());
        Assert.Equal("Support (dev-support) opened the export", access.GetProperty("summary").GetString());
        Assert.Equal(1, (await fixture.Stored.EventTypesOf(shopper.Id)).Count(type => type == "support-accessed-v1"));

        await Export(support, shopper.Id);
        Assert.Equal(2, (await fixture.Stored.EventTypesOf(shopper.Id)).Count(type => type == "support-accessed-v1"));
    }

    [Fact]
    public async Task Operators_export_unmasked_and_another_customer_gets_not_found()
    {
        var (shopper, _, _) = await FullCustomer();
        var other = await Shopper.Create(fixture.ClientAs);
        var before = await fixture.Stored.EventsOf(shopper.Id);

        var (export, _, _) = await Export(await fixture.ClientAs("operator"), shopper.Id);
        var refused = await other.Client.GetAsync($"/v1/customers/{shopper.Id}/export");

        Assert.Equal("Ada Lovelace", export.GetProperty("profile").GetProperty("displayName").GetString());
        await Problem(refused, HttpStatusCode.NotFound, "/errors/customer-not-found");
        // Neither read wrote anything but (perhaps) the operator's device sighting; no support access.
        Assert.DoesNotContain("support-accessed-v1", await fixture.Stored.EventTypesOf(shopper.Id));
        Assert.True(await fixture.Stored.EventsOf(shopper.Id) <= before + 1);
    }

    [Fact]
    public async Task The_export_holds_every_payment_however_many_there_are()
    {
        // 130 payments written to the journal the way the grain writes them: more than any history page holds.
        var id = CustomerId.New();
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var events = new List<JournalEvent>
        {
            new CustomerCreated(new Profile(id, "Many Payments", null, null, "en", "EUR", "Europe/Berlin", 1, at, at)) { At = at },
        };
        for (var i = 0; i < 130; i++)
        {
            var paidAt = at.AddSeconds(i + 1);
            var payment = new Payment($"pay_{id[4..^2]}{i:D3}", $"chk_{i}", 100 + i, "EUR", 100 + i, "EUR", "pm_x", "tok_visa", "visa", "4242",
                "web", $"Order {i}", PaymentStatus.Processing, null, 0, paidAt, paidAt);
            events.Add(new PaymentReserved(payment, DateOnly.FromDateTime(paidAt.UtcDateTime)) { At = paidAt });
            events.Add(new PaymentSucceeded(payment.Id) { At = paidAt });
        }
        await using (var journal = StandaloneJournal.Open(fixture.ConnectionString))
        {
            await journal.Journal.Append(id, 0, events, snapshot: null, CancellationToken.None);
        }

        var (export, _, _) = await Export(await fixture.ClientAs("operator"), id);

        var listed = export.GetProperty("payments").EnumerateArray().ToList();
        Assert.Equal(130, listed.Count);
        Assert.Equal(Enumerable.Range(0, 130).Select(i => 100L + i).Reverse(), listed.Select(p => p.GetProperty("payment").GetProperty("amount").GetInt64()));
        Assert.All(listed, p => Assert.Equal(["authorized", "succeeded"], p.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString())));
    }
}
