using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>
/// The input rules hold for what the API reads after decoding, whatever the encoding on the wire, and a refused
/// request stores nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("every digit escaped", """{"displayName":"\u0034\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031"}""")]
    [InlineData("some digits escaped, grouped", """{"displayName":"Ada 4111 \u00311\u00311 1111 1111"}""")]
    [InlineData("in a property name", """{"displayName":"Ada","4111111111111111":1}""")]
    [InlineData("as a JSON number", """{"displayName":"Ada","note":4111111111111111}""")]
    public async Task A_card_number_is_refused_however_the_JSON_spells_it(string why, string json)
    {
        _ = why;
        var client = await fixture.ClientAs("operator");
        var before = await fixture.Stored.AllEvents();

        var response = await client.PostAsync("/v1/customers", Body(json));

        await Problem(response, HttpStatusCode.BadRequest, "/errors/raw-card-number");
        Assert.Equal(before, await fixture.Stored.AllEvents());
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=no-such-charset")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Only_UTF_8_JSON_is_read(string contentType)
    {
        var client = await fixture.ClientAs("operator");
        var before = await fixture.Stored.AllEvents();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"displayName":"Ada","homeCurrency":"GBP","timeZone":"Europe/London"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await client.PostAsync("/v1/customers", content);

        await Problem(response, HttpStatusCode.UnsupportedMediaType, "/errors/unsupported-media-type");
        Assert.Equal(before, await fixture.Stored.AllEvents());
    }

    [Fact]
    public async Task UTF_8_JSON_with_or_without_its_charset_is_read()
    {
        var client = await fixture.ClientAs("operator");
        foreach (var contentType in new[] { "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8" })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"displayName":"Zoë","homeCurrency":"EUR","timeZone":"Europe/Paris"}"""));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);

            var response = await client.PostAsync("/v1/customers", content);

            var created = await Json(response, HttpStatusCode.Created);
            Assert.Equal("Zoë", created.GetProperty("displayName").GetString());
        }
    }

    [Theory]
    [InlineData("invalid UTF-8 bytes", new byte[] { 0x7B, 0x22, 0x64, 0x69, 0x73, 0x70, 0x6C, 0x61, 0x79, 0x4E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D })]
    [InlineData("an overlong encoding", new byte[] { 0x7B, 0x22, 0x64, 0x69, 0x73, 0x70, 0x6C, 0x61, 0x79, 0x4E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D })]
    public async Task Invalid_UTF_8_is_a_400_and_stores_nothing(string why, byte[] body)
    {
        _ = why;
        var client = await fixture.ClientAs("operator");
        var before = await fixture.Stored.AllEvents();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await client.PostAsync("/v1/customers", content);

        await Problem(response, HttpStatusCode.BadRequest, "/errors/invalid-text");
        Assert.Equal(before, await fixture.Stored.AllEvents());
    }

    [Theory]
    [InlineData("an unpaired surrogate, escaped", """{"displayName":"Ada \ud800"}""")]
    [InlineData("a lone low surrogate, escaped", """{"displayName":"Ada \udc00 King"}""")]
    [InlineData("a NUL, escaped", """{"displayName":"Ada\u0000King"}""")]
    [InlineData("an escape character", """{"displayName":"Ada\u001b[31m"}""")]
    [InlineData("a replacement character", """{"displayName":"Ada \ufffd"}""")]
    public async Task Invalid_Unicode_and_control_characters_in_JSON_strings_are_a_400(string why, string json)
    {
        _ = why;
        var (client, id) = await CreateCustomer();
        var before = await fixture.Stored.AllEvents();

        var created = await client.PostAsync("/v1/customers", Body(json));
        var patched = await client.SendAsync(Requests.MergePatch($"/v1/customers/{id}", json, version: 1));

        await Problem(created, HttpStatusCode.BadRequest, "/errors/invalid-text");
        await Problem(patched, HttpStatusCode.BadRequest, "/errors/invalid-text");
        Assert.Equal(before, await fixture.Stored.AllEvents());
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("ada%00")]
    [InlineData("%1b")]
    [InlineData("%ff%fe")]
    public async Task A_NUL_or_control_character_in_the_history_search_is_a_400_not_an_outage(string query)
    {
        var (client, id) = await CreateCustomer();

        var json = await client.GetAsync($"/v1/customers/{id}/payments?q={query}");
        var csv = await client.GetAsync($"/v1/customers/{id}/payments.csv?q={query}");

        await Problem(json, HttpStatusCode.BadRequest, "/errors/invalid-text");
        await Problem(csv, HttpStatusCode.BadRequest, "/errors/invalid-text");
    }

    [Fact]
    public async Task A_card_number_in_a_stored_header_is_refused_and_never_shown_in_sessions()
    {
        var (client, id) = await CreateCustomer();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/customers/{id}");
        request.Headers.Add("X-Device-Label", "Ada's card 4111 1111 1111 1111");

        await Problem(await client.SendAsync(request), HttpStatusCode.BadRequest, "/errors/raw-card-number");

        var sessions = await Json(await client.GetAsync($"/v1/customers/{id}/sessions"), HttpStatusCode.OK);
        Assert.DoesNotContain("4111", sessions.GetRawText());
    }

    [Theory]
    [InlineData("a field twice", """{"displayName":"Ada","displayName":"Eve","homeCurrency":"GBP","timeZone":"Europe/London"}""")]
    [InlineData("a number as a string", """{"lines":[{"sku":"TEA-1","quantity":"2"}]}""")]
    [InlineData("a wrong type", """{"lines":[{"sku":"TEA-1","quantity":true}]}""")]
    [InlineData("broken JSON", """{"displayName":""")]
    [InlineData("an array for an object", """[1,2,3]""")]
    public async Task Loose_JSON_is_refused_without_naming_internal_types(string why, string json)
    {
        _ = why;
        var (client, id) = await CreateCustomer();
        var before = await fixture.Stored.AllEvents();

        var profile = await client.PostAsync("/v1/customers", Body(json));
        var checkout = await client.SendAsync(Requests.Json(HttpMethod.Post, $"/v1/customers/{id}/checkouts", json, idempotencyKey: Guid.NewGuid().ToString()));

        foreach (var response in new[] { profile, checkout })
        {
            var problem = await Json(response, HttpStatusCode.BadRequest);
            Assert.StartsWith("/errors/", problem.GetProperty("type").GetString());
            var text = problem.GetRawText();
            Assert.DoesNotContain("Actors.", text);
            Assert.DoesNotContain("System.", text);
        }
        Assert.Equal(before, await fixture.Stored.AllEvents());
    }

    [Fact]
    public async Task Deeply_nested_JSON_is_a_400()
    {
        var client = await fixture.ClientAs("operator");
        var json = """{"displayName":""" + new string('[', 5000) + new string(']', 5000) + "}";

        var response = await client.PostAsync("/v1/customers", Body(json));

        await Problem(response, HttpStatusCode.BadRequest, "/errors/malformed-json");
    }

    private async Task<(HttpClient Operator, string Id)> CreateCustomer()
    {
        var client = await fixture.ClientAs("operator");
        return (client, await ApiCustomers.Create(client));
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");
}
