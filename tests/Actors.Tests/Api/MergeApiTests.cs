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

    private static async Task<string> IdentifierOf(Shopper shopper) =>
        (await shopper.Read("")).GetProperty("email").GetString()!;
}
