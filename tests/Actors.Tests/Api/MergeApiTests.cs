using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class MergeApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_older_profile_survives_and_takes_the_identifiers_methods_and_payments_of_the_other()
    {
        var older = await Shopper.Create(fixture.ClientAs);
        var newer = await Shopper.Create(fixture.ClientAs);
        var email = await IdentifierOf(newer);
        var card = await newer.SaveMethod("tok_visa", last4: "1881");
        var payment = await newer.Pay(card, 1_200);

        // Named from the newer side: the older one survives anyway.
        var merged = await Json(await newer.Merchant.PostAsJsonAsync($"{newer.Base}/merge", new { from = older.Id }), HttpStatusCode.OK);
        var again = await Json(await newer.Merchant.PostAsJsonAsync($"{newer.Base}/merge", new { from = older.Id }), HttpStatusCode.OK);

        Assert.Equal(older.Id, merged.GetProperty("survivor").GetString());
        Assert.Equal(newer.Id, merged.GetProperty("mergedAway").GetString());
        Assert.Equal(merged.GetRawText(), again.GetRawText());
        var resolved = await Json(await older.Merchant.GetAsync($"/v1/identities/email/{Uri.EscapeDataString(email)}"), HttpStatusCode.OK);
        Assert.Equal(older.Id, resolved.GetProperty("customerId").GetString());
        var methods = await older.Read("/payment-methods");
        Assert.Contains("1881", methods.GetRawText());
        var history = await older.Read("/payments");
        Assert.Contains(payment, history.GetRawText());
    }

    [Fact]
    public async Task The_merged_away_id_redirects_reads_and_refuses_writes_naming_the_survivor()
    {
        var older = await Shopper.Create(fixture.ClientAs);
        var newer = await Shopper.Create(fixture.ClientAs);
        await Json(await older.Merchant.PostAsJsonAsync($"{older.Base}/merge", new { from = newer.Id }), HttpStatusCode.OK);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = older.Merchant.BaseAddress };
        foreach (var header in older.Merchant.DefaultRequestHeaders)
        {
            noRedirects.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }

        var read = await noRedirects.GetAsync($"{newer.Base}/cart");
        var write = await noRedirects.PutAsJsonAsync($"{newer.Base}/limits", new { daily = 1_000 });

        Assert.Equal(HttpStatusCode.PermanentRedirect, read.StatusCode);
        Assert.Equal($"{older.Base}/cart", read.Headers.Location?.OriginalString);
        var problem = await Problem(write, HttpStatusCode.Conflict, "/errors/customer-merged");
        Assert.Equal(older.Id, problem.GetProperty("mergedInto").GetString());
    }

    [Fact]
    public async Task Only_staff_merge_and_a_customer_cannot_be_merged_into_itself()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var other = await Shopper.Create(fixture.ClientAs);

        var byCustomer = await shopper.Client.PostAsJsonAsync($"{shopper.Base}/merge", new { from = other.Id });
        var self = await shopper.Merchant.PostAsJsonAsync($"{shopper.Base}/merge", new { from = shopper.Id });

        Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Equal(shopper.Id, (await shopper.Read("")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Both_customers_devices_are_told_live_which_customer_survived()
    {
        var older = await Shopper.Create(fixture.ClientAs);
        var newer = await Shopper.Create(fixture.ClientAs);
        await using var olderPhone = await LiveDevice.Watching(older.Client);
        await using var newerPhone = await LiveDevice.Watching(newer.Client);

        await Json(await newer.Merchant.PostAsJsonAsync($"{newer.Base}/merge", new { from = older.Id }), HttpStatusCode.OK);

        foreach (var device in new[] { olderPhone, newerPhone })
        {
            var told = await device.WaitFor("CustomerMerged");
            Assert.Equal(older.Id, told.Payload.GetProperty("survivorId").GetString());
            Assert.Equal(newer.Id, told.Payload.GetProperty("mergedId").GetString());
        }
    }

    [Fact]
    public async Task Merging_while_both_customers_pay_loses_no_payment_and_the_survivor_then_keeps_the_lower_cap()
    {
        var older = await Shopper.Create(fixture.ClientAs);
        var newer = await Shopper.Create(fixture.ClientAs);
        await older.SetLimits(daily: 6_000);
        await newer.SetLimits(daily: 4_000);
        var olderCard = await older.SaveMethod("tok_visa");
        var newerCard = await newer.SaveMethod("tok_visa");
        var body = await older.LinesOf(500);
        var olderCheckouts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => older.CheckoutOf(body)));
        var newerCheckouts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => newer.CheckoutOf(body)));

        var confirms = olderCheckouts.Select(checkout => older.Confirm(checkout, olderCard))
            .Concat(newerCheckouts.Select(checkout => newer.Confirm(checkout, newerCard)))
            .ToList();
        var merged = MergeWhenNotBusy(older, newer.Id);
        var answers = await Task.WhenAll(confirms);
        await merged;

        // Paid, refused by a cap, or refused because the customer was merged meanwhile: never a server error.
        Assert.All(answers, answer => Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var daily = (await older.Read("/limits")).GetProperty("headroom").EnumerateArray().Single(window => window.GetProperty("window").GetString() == "daily");
        var paid = await fixture.Stored.SucceededSum(older.Id) + await fixture.Stored.SucceededSum(newer.Id);
        Assert.Equal(4_000, daily.GetProperty("cap").GetInt64());
        Assert.Equal(paid, daily.GetProperty("spent").GetInt64());
        Assert.Equal(answers.Count(answer => answer.StatusCode == HttpStatusCode.OK) * 500L, paid);
        if (paid + 500 > 4_000)
        {
            var beyond = await older.Confirm(await older.CheckoutOf(body), olderCard);
            await Problem(beyond, HttpStatusCode.Conflict, "/errors/cap-exceeded");
        }
    }

    /// <summary>Merges, retrying while a customer has a payment in flight (409 merge-busy with Retry-After).</summary>
    private static async Task MergeWhenNotBusy(Shopper survivor, string from)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await survivor.Merchant.PostAsJsonAsync($"{survivor.Base}/merge", new { from });
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                await Json(response, HttpStatusCode.OK);
                return;
            }
            await Problem(response, HttpStatusCode.Conflict, "/errors/merge-busy");
            await Task.Delay(50);
        }
    }

    private static async Task<string> IdentifierOf(Shopper shopper) =>
        (await shopper.Read("")).GetProperty("email").GetString()!;
}
