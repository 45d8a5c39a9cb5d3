using System.Net;
using System.Net.Http.Json;
using System.Text;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>The merchant's catalog over HTTP, and prices that come from it rather than from the device.</summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogApiTests(ApiFixture fixture)
{
    private static string NewSku(string what) => $"{what}-{Guid.NewGuid():N}"[..24];

    private static Task<HttpResponseMessage> PutItem(HttpClient client, string sku, object item) =>
        client.PutAsJsonAsync($"/v1/catalog/{sku}", item);

    [Fact]
    public async Task An_operator_s_change_adds_a_version_and_restating_an_item_adds_none()
    {
        var merchant = await fixture.ClientAs("operator");
        var sku = NewSku("beans");

        var created = await PutItem(merchant, sku, new { name = "Coffee beans", unitPrice = 1_450, currency = "eur" });
        var item = await Json(created, HttpStatusCode.Created);
        Assert.Equal($"/v1/catalog/{sku}", created.Headers.Location?.OriginalString);
        Assert.Equal((1L, "Coffee beans", 1_450L, "EUR", true),
            (item.GetProperty("version").GetInt64(), item.GetProperty("name").GetString(), item.GetProperty("unitPrice").GetInt64(),
                item.GetProperty("currency").GetString(), item.GetProperty("active").GetBoolean()));

        var same = await Json(await PutItem(merchant, sku, new { name = "Coffee beans", unitPrice = 1_450, currency = "EUR", active = true }), HttpStatusCode.OK);
        Assert.Equal(1, same.GetProperty("version").GetInt64());

        var raised = await Json(await PutItem(merchant, sku, new { name = "Coffee beans", unitPrice = 1_600, currency = "EUR", active = true }), HttpStatusCode.OK);
        Assert.Equal((2L, 1_600L), (raised.GetProperty("version").GetInt64(), raised.GetProperty("unitPrice").GetInt64()));

        var read = await Json(await merchant.GetAsync($"/v1/catalog/{sku}"), HttpStatusCode.OK);
        Assert.Equal((2L, 1_600L), (read.GetProperty("version").GetInt64(), read.GetProperty("unitPrice").GetInt64()));
        Assert.Equal([(1L, "Coffee beans", 1_450L, "EUR", true), (2L, "Coffee beans", 1_600L, "EUR", true)], await fixture.Stored.CatalogVersionsOf(sku));
    }

    [Theory]
    [InlineData("customer")]
    [InlineData("support")]
    [InlineData("pos")]
    public async Task Every_role_reads_the_catalog_and_only_operators_change_it(string role)
    {
        var merchant = await fixture.ClientAs("operator");
        var sku = NewSku("mug");
        await TestCatalog.Ensure(merchant, sku, "Enamel mug", 899);
        var client = await fixture.ClientAs(role, role == "customer" ? await ApiCustomers.Create(merchant) : null);

        var list = await Json(await client.GetAsync("/v1/catalog"), HttpStatusCode.OK);
        var item = await Json(await client.GetAsync($"/v1/catalog/{sku}"), HttpStatusCode.OK);
        var change = await PutItem(client, sku, new { name = "Free mug", unitPrice = 1, currency = "EUR", active = true });

        Assert.Contains(list.EnumerateArray(), entry => entry.GetProperty("sku").GetString() == sku);
        Assert.Equal(899, item.GetProperty("unitPrice").GetInt64());
        await Problem(change, HttpStatusCode.Forbidden, "/errors/forbidden");
        Assert.Equal([(1L, "Enamel mug", 899L, "EUR", true)], await fixture.Stored.CatalogVersionsOf(sku));
    }

    [Fact]
    public async Task The_catalog_needs_a_signed_in_caller()
    {
        await Problem(await fixture.Api.CreateClient().GetAsync("/v1/catalog"), HttpStatusCode.Unauthorized, "/errors/unauthorized");
    }

    public static TheoryData<string, string, int, string, string[]> BadItems => new()
    {
        { "ok-sku", """{"name":" ","unitPrice":0,"currency":"XYZ"}""", 400, "/errors/validation", ["currency", "name", "unitPrice"] },
        { "ok-sku", """{"name":"Beans","currency":"EUR"}""", 400, "/errors/validation", ["unitPrice"] },
        { "ok-sku", """{"name":"Beans","unitPrice":1000000000000000001,"currency":"EUR"}""", 400, "/errors/validation", ["unitPrice"] },
        { "bad%20sku", """{"name":"Beans","unitPrice":100,"currency":"EUR"}""", 400, "/errors/validation", ["sku"] },
        { "ok-sku", """{"name":"Beans","unitPrice":"cheap","currency":"EUR"}""", 400, "/errors/malformed-json", [] },
        { "ok-sku", """{"name":"Beans","unitPrice":100,"currency":"EUR","discount":5}""", 400, "/errors/malformed-json", [] },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public async Task Bad_items_are_refused_naming_their_fields_and_store_nothing(string sku, string body, int status, string type, string[] fields)
    {
        var merchant = await fixture.ClientAs("operator");

        var response = await merchant.PutAsync($"/v1/catalog/{sku}", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problem(response, (HttpStatusCode)status, type);
        if (fields.Length > 0)
        {
            Assert.Equal(fields, problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order());
        }
        Assert.Empty(await fixture.Stored.CatalogVersionsOf(Uri.UnescapeDataString(sku)));
    }

    [Fact]
    public async Task An_item_that_does_not_exist_is_404()
    {
        var client = await fixture.ClientAs("support");

        var problem = await Problem(await client.GetAsync("/v1/catalog/never-sold"), HttpStatusCode.NotFound, "/errors/catalog-item-not-found");

        Assert.Equal("never-sold", problem.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_cart_line_takes_its_name_and_price_from_the_catalog_and_keeps_them()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var sku = NewSku("grinder");
        await TestCatalog.Ensure(shopper.Merchant, sku, "Hand grinder", 4_900);

        var cart = await Json(await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", new { sku, quantity = 2 }, 0)), HttpStatusCode.OK);
        await TestCatalog.Ensure(shopper.Merchant, sku, "Hand grinder", 5_200);
        var later = await shopper.Read("/cart");

        foreach (var seen in new[] { cart, later })
        {
            var line = Assert.Single(seen.GetProperty("lines").EnumerateArray());
            Assert.Equal((sku, "Hand grinder", 4_900L, "EUR", 2, 9_800L, 1L),
                (line.GetProperty("sku").GetString(), line.GetProperty("name").GetString(), line.GetProperty("unitPrice").GetInt64(),
                    line.GetProperty("currency").GetString(), line.GetProperty("quantity").GetInt32(), line.GetProperty("amount").GetInt64(),
                    line.GetProperty("catalogVersion").GetInt64()));
            Assert.Equal(9_800, seen.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task A_checkout_of_the_cart_is_priced_again_from_the_catalog()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var sku = NewSku("beans");
        await TestCatalog.Ensure(shopper.Merchant, sku, "Coffee beans", 1_000);
        await Json(await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", new { sku, quantity = 2 }, 0)), HttpStatusCode.OK);
        await TestCatalog.Ensure(shopper.Merchant, sku, "Coffee beans", 1_200);

        var checkout = await Json(await shopper.Post("/checkouts", "{}", Shopper.NewKey()), HttpStatusCode.Created);

        Assert.Equal(2_400, checkout.GetProperty("total").GetInt64());
        var line = Assert.Single(checkout.GetProperty("lines").EnumerateArray());
        Assert.Equal((1_200L, 2L), (line.GetProperty("unitPrice").GetInt64(), line.GetProperty("catalogVersion").GetInt64()));
    }

    [Fact]
    public async Task A_checkout_keeps_the_price_it_was_created_with_and_a_new_one_gets_the_new_price()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        var sku = NewSku("tea");
        await TestCatalog.Ensure(shopper.Merchant, sku, "Green tea", 725);
        var body = Shopper.CheckoutBody(null, (sku, 2));
        var first = await Json(await shopper.Post("/checkouts", body, Shopper.NewKey()), HttpStatusCode.Created);
        var firstId = first.GetProperty("id").GetString()!;

        await TestCatalog.Ensure(shopper.Merchant, sku, "Green tea", 990);
        var shown = await shopper.Read($"/checkouts/{firstId}");
        var paid = await Json(await shopper.Confirm(firstId, visa), HttpStatusCode.OK);
        var second = await Json(await shopper.Post("/checkouts", body, Shopper.NewKey()), HttpStatusCode.Created);

        Assert.Equal(1_450, first.GetProperty("total").GetInt64());
        Assert.Equal(1_450, shown.GetProperty("total").GetInt64());
        Assert.Equal((725L, 1L), (shown.GetProperty("lines")[0].GetProperty("unitPrice").GetInt64(), shown.GetProperty("lines")[0].GetProperty("catalogVersion").GetInt64()));
        Assert.Equal(("succeeded", 1_450L), (paid.GetProperty("status").GetString(), paid.GetProperty("amount").GetInt64()));
        Assert.Equal(1_450, await fixture.Stored.ChargedAmountOf(paid.GetProperty("id").GetString()!));
        Assert.Equal(1_980, second.GetProperty("total").GetInt64());
        Assert.Equal(2, second.GetProperty("lines")[0].GetProperty("catalogVersion").GetInt64());
    }

    [Fact]
    public async Task A_cart_line_of_an_unknown_or_inactive_sku_is_422_naming_it_and_changes_nothing()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var retired = NewSku("retired");
        await TestCatalog.Ensure(shopper.Merchant, retired, "Old mug", 500);
        await Json(await PutItem(shopper.Merchant, retired, new { name = "Old mug", unitPrice = 500, currency = "EUR", active = false }), HttpStatusCode.OK);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        foreach (var sku in new[] { "never-sold", retired })
        {
            var response = await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", new { sku, quantity = 1 }, 0));
            var problem = await Problem(response, HttpStatusCode.UnprocessableEntity, "/errors/unknown-sku");
            Assert.Equal(sku, problem.GetProperty("sku").GetString());
        }

        var cart = await shopper.Read("/cart");
        Assert.Equal((0L, 0), (cart.GetProperty("version").GetInt64(), cart.GetProperty("lines").GetArrayLength()));
        await journal.AssertUnchanged();
    }
}
