using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Grains.Customers;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CustomerApiTests(ApiFixture fixture)
{
    private static Dictionary<string, object?> Ada => ApiCustomers.Body(SampleProfiles.Ada());

    private async Task<(HttpClient Operator, string Id)> CreateCustomer()
    {
        var client = await fixture.ClientAs("operator");
        return (client, await ApiCustomers.Create(client));
    }

    private static HttpRequestMessage Patch(string id, string json, long? version, string mediaType = Requests.MergePatchJson) =>
        Requests.MergePatch($"/v1/customers/{id}", json, version, mediaType);

    [Fact]
    public async Task Creating_a_customer_returns_201_with_location_etag_and_profile()
    {
        var client = await fixture.ClientAs("operator");

        var response = await client.PostAsJsonAsync("/v1/customers", Ada);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.True(CustomerId.IsWellFormed(id));
        Assert.Equal($"/v1/customers/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal("Europe/London", body.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Reading_a_customer_returns_the_profile_with_its_version_as_etag()
    {
        var client = await fixture.ClientAs("operator");
        var id = await ApiCustomers.Create(client, SampleProfiles.Ada() with { Email = "ada.reader@example.com" });

        var response = await client.GetAsync($"/v1/customers/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ada.reader@example.com", body.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Patching_with_the_current_etag_applies_and_a_stale_one_gets_412()
    {
        var (client, id) = await CreateCustomer();

        var applied = await client.SendAsync(Patch(id, """{"displayName":"Ada King","phone":null}""", 1));
        var stale = await client.SendAsync(Patch(id, """{"displayName":"Lost update"}""", 1));

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal("\"2\"", applied.Headers.ETag?.Tag);
        var body = await applied.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ada King", body.GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("phone").ValueKind);

        var problem = await Problem(stale, HttpStatusCode.PreconditionFailed, "/errors/version-mismatch");
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal("\"2\"", stale.Headers.ETag?.Tag);
        var current = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}");
        Assert.Equal("Ada King", current.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Patching_without_if_match_gets_428()
    {
        var (client, id) = await CreateCustomer();

        var response = await client.SendAsync(Patch(id, """{"displayName":"Ada"}""", version: null));

        await Problem(response, (HttpStatusCode)428, "/errors/precondition-required");
    }

    [Fact]
    public async Task Patching_accepts_plain_json_too()
    {
        var (client, id) = await CreateCustomer();

        var response = await client.SendAsync(Patch(id, """{"homeCurrency":"eur"}""", 1, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("EUR", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("homeCurrency").GetString());
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("homeCurrency", "XYZ")]
    [InlineData("timeZone", "Mars/Olympus_Mons")]
    [InlineData("displayName", "over-long")]
    [InlineData("preferredLanguage", "english please")]
    [InlineData("phone", "12345")]
    public async Task Creating_with_a_bad_field_gets_a_validation_problem_naming_it(string field, string value)
    {
        var client = await fixture.ClientAs("operator");
        var body = ApiCustomers.Body(SampleProfiles.Ada(), (field, value == "over-long" ? new string('x', 101) : value));

        var response = await client.PostAsJsonAsync("/v1/customers", body);

        var problem = await Problem(response, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Patching_with_a_bad_or_unknown_field_gets_a_validation_problem_and_changes_nothing()
    {
        var (client, id) = await CreateCustomer();

        var bad = await client.SendAsync(Patch(id, """{"timeZone":"Nowhere/Special","nickname":"x","email":42}""", 1));

        var errors = (await Problem(bad, HttpStatusCode.BadRequest, "/errors/validation")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("nickname", out _));
        Assert.True(errors.TryGetProperty("email", out _));
        var invalid = await client.SendAsync(Patch(id, """{"timeZone":"Nowhere/Special"}""", 1));
        Assert.True((await Problem(invalid, HttpStatusCode.BadRequest, "/errors/validation")).GetProperty("errors").TryGetProperty("timeZone", out _));
        Assert.Equal("\"1\"", (await client.GetAsync($"/v1/customers/{id}")).Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("{\"displayName\": \"Ada\",")]
    [InlineData("not json at all")]
    [InlineData("{\"displayName\": 42, \"homeCurrency\":\"EUR\", \"timeZone\":\"UTC\"}")]
    [InlineData("{\"displayName\": \"Ada\", \"homeCurrency\":\"EUR\", \"timeZone\":\"UTC\", \"isAdmin\": true}")]
    public async Task A_body_that_is_not_the_expected_JSON_gets_malformed_json(string json)
    {
        var client = await fixture.ClientAs("operator");

        var response = await client.PostAsync("/v1/customers", new StringContent(json, Encoding.UTF8, "application/json"));

        await Problem(response, HttpStatusCode.BadRequest, "/errors/malformed-json");
    }

    [Fact]
    public async Task A_patch_body_that_is_not_JSON_gets_malformed_json()
    {
        var (client, id) = await CreateCustomer();

        var response = await client.SendAsync(Patch(id, "{nope", 1));

        await Problem(response, HttpStatusCode.BadRequest, "/errors/malformed-json");
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_by_content_type_gets_415()
    {
        var client = await fixture.ClientAs("operator");

        var response = await client.PostAsync("/v1/customers", new StringContent("displayName=Ada", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await Problem(response, HttpStatusCode.UnsupportedMediaType, "/errors/unsupported-media-type");
    }

    [Fact]
    public async Task A_body_over_64_KB_gets_413()
    {
        var client = await fixture.ClientAs("operator");
        var huge = JsonSerializer.Serialize(new { displayName = new string('x', 70 * 1024), homeCurrency = "EUR", timeZone = "UTC" });

        var response = await client.PostAsync("/v1/customers", new StringContent(huge, Encoding.UTF8, "application/json"));

        await Problem(response, HttpStatusCode.RequestEntityTooLarge, "/errors/payload-too-large");
    }

    [Theory]
    [InlineData("cus_0123456789abcdefghjk")]
    [InlineData("not-a-customer-id")]
    public async Task An_unknown_customer_gets_404(string id)
    {
        var client = await fixture.ClientAs("operator");

        await Problem(await client.GetAsync($"/v1/customers/{id}"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await client.SendAsync(Patch(id, "{}", 1)), HttpStatusCode.NotFound, "/errors/customer-not-found");
    }

    [Fact]
    public async Task Without_a_token_every_customer_endpoint_gets_401()
    {
        var (_, id) = await CreateCustomer();
        var anonymous = fixture.Api.CreateClient();

        await Problem(await anonymous.GetAsync($"/v1/customers/{id}"), HttpStatusCode.Unauthorized, "/errors/unauthorized");
        await Problem(await anonymous.PostAsJsonAsync("/v1/customers", Ada), HttpStatusCode.Unauthorized, "/errors/unauthorized");
        await Problem(await anonymous.SendAsync(Patch(id, "{}", 1)), HttpStatusCode.Unauthorized, "/errors/unauthorized");
    }

    [Fact]
    public async Task A_token_signed_with_another_key_gets_401()
    {
        var (_, id) = await CreateCustomer();
        var forged = fixture.Api.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ForgedToken(id));

        await Problem(await forged.GetAsync($"/v1/customers/{id}"), HttpStatusCode.Unauthorized, "/errors/unauthorized");
    }

    [Fact]
    public async Task A_customer_reads_and_edits_their_own_profile_but_another_customer_looks_absent()
    {
        var (_, mine) = await CreateCustomer();
        var (_, theirs) = await CreateCustomer();
        var customer = await fixture.ClientAs("customer", mine);

        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/v1/customers/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customer.SendAsync(Patch(mine, """{"preferredLanguage":"cy"}""", 1))).StatusCode);

        var other = await Problem(await customer.GetAsync($"/v1/customers/{theirs}"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        var unknown = await Problem(await customer.GetAsync("/v1/customers/cus_0123456789abcdefghjk"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        Assert.Equal(unknown.GetProperty("title").GetString(), other.GetProperty("title").GetString());
        await Problem(await customer.SendAsync(Patch(theirs, "{}", 1)), HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await customer.PostAsJsonAsync("/v1/customers", Ada), HttpStatusCode.Forbidden, "/errors/forbidden");
    }

    [Fact]
    public async Task Support_reads_with_personal_data_masked_and_cannot_edit()
    {
        var (_, id) = await CreateCustomer();
        var support = await fixture.ClientAs("support");

        var body = await support.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}");

        Assert.Equal("a***@example.com", body.GetProperty("email").GetString());
        Assert.Equal("+**********23", body.GetProperty("phone").GetString());
        Assert.Equal("Ada Lovelace", body.GetProperty("displayName").GetString());
        await Problem(await support.SendAsync(Patch(id, "{}", 1)), HttpStatusCode.Forbidden, "/errors/forbidden");
    }

    [Fact]
    public async Task A_store_terminal_may_enrol_a_customer_but_not_read_profiles()
    {
        var (_, id) = await CreateCustomer();
        var pos = await fixture.ClientAs("pos");

        Assert.Equal(HttpStatusCode.Created, (await pos.PostAsJsonAsync("/v1/customers", Ada)).StatusCode);
        await Problem(await pos.GetAsync($"/v1/customers/{id}"), HttpStatusCode.Forbidden, "/errors/forbidden");
    }

    [Fact]
    public async Task Dev_tokens_refuse_unknown_roles_and_customer_tokens_without_an_id()
    {
        var client = fixture.Api.CreateClient();

        var role = await client.PostAsJsonAsync("/v1/dev/tokens", new { role = "root" });
        var customer = await client.PostAsJsonAsync("/v1/dev/tokens", new { role = "customer" });

        Assert.True((await Problem(role, HttpStatusCode.BadRequest, "/errors/validation")).GetProperty("errors").TryGetProperty("role", out _));
        Assert.True((await Problem(customer, HttpStatusCode.BadRequest, "/errors/validation")).GetProperty("errors").TryGetProperty("customerId", out _));
    }

    [Fact]
    public async Task The_dev_token_endpoint_does_not_exist_unless_switched_on()
    {
        await using var api = new ApiFactory(fixture.Settings(devTokens: false));
        var client = api.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/dev/tokens", new { role = "operator" });

        await Problem(response, HttpStatusCode.NotFound, "/errors/not-found");
    }

    [Fact]
    public async Task Health_metrics_and_the_OpenAPI_document_are_served()
    {
        var client = fixture.Api.CreateClient();
        await (await fixture.ClientAs("operator")).GetAsync("/v1/customers/cus_0123456789abcdefghjk");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var metrics = await (await fixture.ClientAs("operator")).GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.Contains("orleans_", metrics);
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/customers/{customerId}", out _));
    }

    /// <summary>A well-formed token for an operator, signed with a key the API does not trust.</summary>
    private static string ForgedToken(string subject)
    {
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 48)));
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "actors",
            Audience = "actors-api",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = "operator" },
            SigningCredentials = new(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }
}
