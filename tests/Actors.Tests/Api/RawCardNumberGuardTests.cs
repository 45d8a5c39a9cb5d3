using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class RawCardNumberGuardTests(ApiFixture fixture)
{
    private const string RawCardNumberType = "/errors/raw-card-number";

    private static Dictionary<string, object?> Ada(params (string Member, object? Value)[] changes) => ApiCustomers.Body(SampleProfiles.Ada(), changes);

    [Fact]
    public async Task A_card_number_in_a_nested_field_is_refused_before_the_endpoint_reads_the_body()
    {
        var client = await fixture.ClientAs("operator");
        var body = Ada(("payment", new { card = new { number = "5555555555554444", cvc = "123" } }));

        var response = await client.PostAsJsonAsync("/v1/customers", body);

        // Unknown members would otherwise be malformed-json: this type shows the guard answered first.
        await AssertRefused(response, "5555555555554444");
    }

    [Fact]
    public async Task A_card_number_in_a_field_the_profile_would_store_is_refused_and_no_customer_is_created()
    {
        var client = await fixture.ClientAs("operator");
        var rowsBefore = await StoredRows();

        var spaced = await client.PostAsJsonAsync("/v1/customers", Ada(("displayName", "Ada 4111 1111 1111 1111")));
        var dashed = await client.PostAsJsonAsync("/v1/customers", Ada(("displayName", "Ada 4111-1111-1111-1111")));

        await AssertRefused(spaced, "4111 1111 1111 1111");
        await AssertRefused(dashed, "4111-1111-1111-1111");
        Assert.Equal(rowsBefore, await StoredRows());
    }

    [Fact]
    public async Task A_card_number_in_a_patch_is_refused_and_the_profile_is_unchanged()
    {
        var (client, id) = await CreateCustomer();

        var response = await client.SendAsync(Patch(id, """{"displayName":"Ada 6011-1111-1111-1117"}"""));

        await AssertRefused(response, "6011-1111-1111-1117");
        var current = await client.GetAsync($"/v1/customers/{id}");
        Assert.Equal("\"1\"", current.Headers.ETag?.Tag);
        Assert.Equal("Ada Lovelace", (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("378282246310005")]
    [InlineData("3782%20822463%2010005")]
    [InlineData("3782+822463+10005")]
    [InlineData("3782-822463-10005")]
    public async Task A_card_number_in_the_query_string_is_refused(string encoded)
    {
        var (client, id) = await CreateCustomer();
        var rowsBefore = await StoredRows();

        var read = await client.GetAsync($"/v1/customers/{id}?note={encoded}");
        var create = await client.PostAsJsonAsync($"/v1/customers?reference={encoded}", Ada());

        await AssertRefused(read, "378282246310005");
        await AssertRefused(create, "378282246310005");
        Assert.Equal(rowsBefore, await StoredRows());
    }

    [Fact]
    public async Task Requests_without_card_numbers_reach_the_endpoint_with_their_body_intact()
    {
        var client = await fixture.ClientAs("operator");
        var rowsBefore = await StoredRows();

        var created = await client.PostAsJsonAsync("/v1/customers?reference=order-12345", Ada(("phone", "+8621380013800")));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+8621380013800", body.GetProperty("phone").GetString());
        Assert.True(await StoredRows() > rowsBefore);

        var id = body.GetProperty("id").GetString()!;
        var patched = await client.SendAsync(Patch(id, """{"displayName":"Ada King"}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Ada King", (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_large_body_under_the_limit_reaches_the_endpoint_whole()
    {
        var client = await fixture.ClientAs("operator");
        var large = Ada(("displayName", new string('x', 60 * 1024)));

        var response = await client.PostAsJsonAsync("/v1/customers", large);

        // The endpoint parsed every byte: it names the over-long field rather than failing on truncated JSON.
        var problem = await Problem(response, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("displayName", out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_limit_gets_413_even_with_a_card_number_in_it(bool chunked)
    {
        var client = await fixture.ClientAs("operator");

        var response = await client.SendAsync(Oversized(chunked));

        await Problem(response, HttpStatusCode.RequestEntityTooLarge, "/errors/payload-too-large");
    }

    [Fact]
    public async Task Card_numbers_never_reach_the_logs()
    {
        // A second API node with a capturing provider; levels are the API's own configuration, as in production.
        var logs = new CapturedLogs();
        await using var api = fixture.Api.WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.AddProvider(logs)));
        api.UseKestrel(0);
        api.StartServer();
        var client = await ApiFixture.ClientAs(api, "operator");
        var id = await ApiCustomers.Create(client);

        var nested = Ada(("payment", new { card = new { number = "5555555555554444" } }));
        await AssertRefused(await client.PostAsJsonAsync("/v1/customers", nested), "5555555555554444");
        await AssertRefused(await client.PostAsJsonAsync("/v1/customers", Ada(("displayName", "4111 1111 1111 1111"))), "4111111111111111");
        await AssertRefused(await client.SendAsync(Patch(id, """{"displayName":"6011-1111-1111-1117"}""")), "6011111111111117");
        await AssertRefused(await client.GetAsync($"/v1/customers/{id}?note=3782%20822463%2010005"), "378282246310005");
        await AssertRefused(await client.GetAsync("/v1/customers/3530111333300000?note=4222222222222"), "4222222222222");
        await Problem(await client.SendAsync(Oversized(chunked: true)), HttpStatusCode.RequestEntityTooLarge, "/errors/payload-too-large");

        var entries = logs.Lines;
        Assert.Contains(entries, entry => entry.Contains("Refused POST /v1/customers: the request body contains a card number"));
        Assert.Contains(entries, entry => entry.Contains("Refused GET /v1/customers/{customerId}: the request path contains a card number"));
        string[] numbers = ["5555555555554444", "4111111111111111", "6011111111111117", "378282246310005", "4222222222222", "4000000000000000006"];
        Assert.All(numbers, number => Assert.DoesNotContain(entries, entry => WithoutSeparators(entry).Contains(number)));
        // Nor a number the guard does not know as one: no line, nor the scope around it, names the request path.
        Assert.DoesNotContain(entries, entry => entry.Contains("3530111333300000"));
    }

    private async Task<(HttpClient Operator, string Id)> CreateCustomer()
    {
        var client = await fixture.ClientAs("operator");
        return (client, await ApiCustomers.Create(client));
    }

    private static HttpRequestMessage Patch(string id, string json) => Requests.MergePatch($"/v1/customers/{id}", json, version: 1);

    /// <summary>A 70 KB body with a card number near its start, sized or streamed in chunks.</summary>
    private static HttpRequestMessage Oversized(bool chunked)
    {
        var json = JsonSerializer.Serialize(new { displayName = "4000 0000 0000 0000 006", note = new string('x', 70 * 1024) });
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/customers")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = chunked;
        return request;
    }

    private static async Task AssertRefused(HttpResponseMessage response, string number)
    {
        var problem = await Problem(response, HttpStatusCode.BadRequest, RawCardNumberType);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.Contains("token", problem.GetProperty("detail").GetString());
        var text = problem.GetRawText();
        Assert.DoesNotContain(number, text);
        Assert.DoesNotContain(Digits(number), WithoutSeparators(text));
    }

    /// <summary>The text with separators removed, so a number is found however it was grouped.</summary>
    private static string WithoutSeparators(string text) => text.Replace(" ", "").Replace("-", "").Replace("%20", "");

    private static string Digits(string number) => new(number.Where(char.IsAsciiDigit).ToArray());

    /// <summary>How many journal events PostgreSQL holds: unchanged proves a refused request stored nothing.</summary>
    private Task<long> StoredRows() => new StoredData(fixture.ConnectionString).AllEvents();
}
