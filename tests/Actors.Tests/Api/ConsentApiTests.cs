using System.Net;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>Consent over the API: opt-in per purpose, who may read and change it, its history from the journal, and live changes.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConsentApiTests(ApiFixture fixture)
{
    private static readonly string[] Purposes = ["personalization", "marketing", "location", "analytics"];

    private Task<Shopper> NewShopper() => Shopper.Create(fixture.ClientAs);

    private static Task<HttpResponseMessage> Put(HttpClient client, string customerId, string purpose, string json) =>
        client.SendAsync(Requests.Json(HttpMethod.Put, $"/v1/customers/{customerId}/consents/{purpose}", json));

    private static string Decision(bool granted, string policyVersion) =>
        JsonSerializer.Serialize(new { granted, policyVersion });

    /// <summary>A second device of the same customer: the mobile app on <paramref name="deviceId"/>.</summary>
    private async Task<HttpClient> MobileOf(string customerId, string deviceId)
    {
        var client = await fixture.ClientAs("customer", customerId);
        client.DefaultRequestHeaders.Remove("X-Device-Id");
        client.DefaultRequestHeaders.Remove("X-Channel");
        client.DefaultRequestHeaders.Add("X-Device-Id", deviceId);
        client.DefaultRequestHeaders.Add("X-Channel", "mobile");
        return client;
    }

    private static void AssertAllDenied(JsonElement consents)
    {
        Assert.Equal(Purposes, consents.EnumerateArray().Select(consent => consent.GetProperty("purpose").GetString()));
        Assert.All(consents.EnumerateArray(), consent =>
        {
            Assert.False(consent.GetProperty("granted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, consent.GetProperty("policyVersion").ValueKind);
            Assert.Equal(JsonValueKind.Null, consent.GetProperty("decidedAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, consent.GetProperty("channel").ValueKind);
        });
    }

    private static JsonElement Of(JsonElement consents, string purpose) =>
        consents.EnumerateArray().Single(consent => consent.GetProperty("purpose").GetString() == purpose);

    [Fact]
    public async Task A_new_customer_has_every_purpose_denied_and_no_history()
    {
        var shopper = await NewShopper();

        var read = await shopper.Read("/consents");

        AssertAllDenied(read.GetProperty("consents"));
        Assert.Equal(0, read.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Each_decision_is_recorded_with_its_time_channel_device_and_policy_version_and_the_history_is_newest_first()
    {
        var shopper = await NewShopper();
        var phone = await MobileOf(shopper.Id, "phone-2");
        var operatorClient = await fixture.ClientAs("operator");

        var granted = await Json(await Put(shopper.Client, shopper.Id, "marketing", Decision(true, "2026-01")), HttpStatusCode.OK);
        var withdrawn = await Json(await Put(phone, shopper.Id, "marketing", Decision(false, "2026-01")), HttpStatusCode.OK);
        var located = await Json(await Put(operatorClient, shopper.Id, "location", Decision(true, "2026-02 rev. B")), HttpStatusCode.OK);

        Assert.True(Of(granted.GetProperty("consents"), "marketing").GetProperty("granted").GetBoolean());
        var marketing = Of(withdrawn.GetProperty("consents"), "marketing");
        Assert.False(marketing.GetProperty("granted").GetBoolean());
        Assert.Equal("2026-01", marketing.GetProperty("policyVersion").GetString());
        Assert.Equal("mobile", marketing.GetProperty("channel").GetString());

        var read = await shopper.Read("/consents");
        var consents = read.GetProperty("consents");
        Assert.Equal(Purposes, consents.EnumerateArray().Select(consent => consent.GetProperty("purpose").GetString()));
        Assert.Equal([false, false, true, false], consents.EnumerateArray().Select(consent => consent.GetProperty("granted").GetBoolean()));
        Assert.Equal("2026-02 rev. B", Of(consents, "location").GetProperty("policyVersion").GetString());
        Assert.Equal("web", Of(consents, "location").GetProperty("channel").GetString());

        var history = read.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(
            [("location", true, "2026-02 rev. B", "web", "test-operator"), ("marketing", false, "2026-01", "mobile", "phone-2"), ("marketing", true, "2026-01", "web", "test-customer")],
            history.Select(change => (change.GetProperty("purpose").GetString(), change.GetProperty("granted").GetBoolean(),
                change.GetProperty("policyVersion").GetString(), change.GetProperty("channel").GetString(), change.GetProperty("deviceId").GetString())));
        // Each change in the history is the decision its request recorded, at the time it answered with.
        Assert.Equal(Of(located.GetProperty("consents"), "location").GetProperty("decidedAt").GetDateTimeOffset(), history[0].GetProperty("decidedAt").GetDateTimeOffset());
        Assert.Equal(marketing.GetProperty("decidedAt").GetDateTimeOffset(), history[1].GetProperty("decidedAt").GetDateTimeOffset());
        Assert.Equal(Of(granted.GetProperty("consents"), "marketing").GetProperty("decidedAt").GetDateTimeOffset(), history[2].GetProperty("decidedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_same_decision_under_the_same_policy_version_again_appends_nothing_and_answers_the_same()
    {
        var shopper = await NewShopper();
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var first = await Put(shopper.Client, shopper.Id, "analytics", Decision(true, "v7"));
        var firstBody = await first.Content.ReadAsStringAsync();
        var again = await Put(await MobileOf(shopper.Id, "phone-9"), shopper.Id, "analytics", Decision(true, "v7"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal(["consent-recorded-v1"], await journal.Added());
        Assert.Equal(1, (await shopper.Read("/consents")).GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Support_reads_consents_but_gets_403_changing_them_and_nothing_changes()
    {
        var shopper = await NewShopper();
        await Json(await Put(shopper.Client, shopper.Id, "personalization", Decision(true, "v1")), HttpStatusCode.OK);
        var support = await fixture.ClientAs("support");
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var read = await Json(await support.GetAsync($"{shopper.Base}/consents"), HttpStatusCode.OK);
        await Problem(await Put(support, shopper.Id, "personalization", Decision(false, "v1")), HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await Put(support, shopper.Id, "marketing", Decision(true, "v1")), HttpStatusCode.Forbidden, "/errors/forbidden");

        Assert.True(Of(read.GetProperty("consents"), "personalization").GetProperty("granted").GetBoolean());
        // Only the read itself is journaled, as every support read is.
        Assert.Equal(["support-accessed-v1"], await journal.Added());
        var after = await shopper.Read("/consents");
        Assert.Equal([true, false, false, false], after.GetProperty("consents").EnumerateArray().Select(consent => consent.GetProperty("granted").GetBoolean()));
        Assert.Equal(1, after.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task A_customer_can_neither_read_nor_change_another_customers_consents()
    {
        var shopper = await NewShopper();
        var stranger = await NewShopper();
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        await Problem(await stranger.Client.GetAsync($"{shopper.Base}/consents"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await Put(stranger.Client, shopper.Id, "marketing", Decision(true, "v1")), HttpStatusCode.NotFound, "/errors/customer-not-found");

        Assert.Empty(await journal.Added());
        AssertAllDenied((await shopper.Read("/consents")).GetProperty("consents"));
    }

    public static TheoryData<string, string, string, int, string, string[]> BadDecisions => new()
    {
        { "a purpose that does not exist", "advertising", """{"granted":true,"policyVersion":"v1"}""", 404, "/errors/unknown-purpose", [] },
        { "a purpose in another case", "Marketing", """{"granted":true,"policyVersion":"v1"}""", 404, "/errors/unknown-purpose", [] },
        { "a purpose by number", "2", """{"granted":true,"policyVersion":"v1"}""", 404, "/errors/unknown-purpose", [] },
        { "no policy version", "marketing", """{"granted":true}""", 400, "/errors/validation", ["policyVersion"] },
        { "an empty policy version", "marketing", """{"granted":true,"policyVersion":""}""", 400, "/errors/validation", ["policyVersion"] },
        { "a control character, escaped", "marketing", """{"granted":true,"policyVersion":"v\u00071"}""", 400, "/errors/invalid-text", [] },
        { "a bidi override, escaped", "marketing", """{"granted":true,"policyVersion":"v\u202e1"}""", 400, "/errors/validation", ["policyVersion"] },
        { "a policy version too long", "marketing", $$"""{"granted":true,"policyVersion":"{{new string('v', 65)}}"}""", 400, "/errors/validation", ["policyVersion"] },
        { "no decision", "marketing", """{"policyVersion":"v1"}""", 400, "/errors/validation", ["granted"] },
        { "a decision that is not a boolean", "marketing", """{"granted":"yes","policyVersion":"v1"}""", 400, "/errors/malformed-json", [] },
        { "an unknown field", "marketing", """{"granted":true,"policyVersion":"v1","scope":"all"}""", 400, "/errors/malformed-json", [] },
        { "not JSON", "marketing", "granted=true", 400, "/errors/malformed-json", [] },
    };

    [Theory]
    [MemberData(nameof(BadDecisions))]
    public async Task Bad_decisions_get_a_problem_and_change_nothing(string why, string purpose, string body, int status, string type, string[] fields)
    {
        var shopper = await NewShopper();
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var problem = await Problem(await Put(shopper.Client, shopper.Id, purpose, body), (HttpStatusCode)status, type);

        if (fields.Length > 0)
        {
            Assert.Equal(fields, problem.GetProperty("errors").EnumerateObject().Select(field => field.Name));
        }
        Assert.True((await journal.Added()).Count == 0, why);
        var read = await shopper.Read("/consents");
        AssertAllDenied(read.GetProperty("consents"));
        Assert.Equal(0, read.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Another_device_of_the_customer_hears_of_a_consent_change_live()
    {
        var shopper = await NewShopper();
        await using var phone = await LiveDevice.Watching(await MobileOf(shopper.Id, "phone-3"));
        var synced = (await phone.WaitFor("Synced")).Sequence;

        await Json(await Put(shopper.Client, shopper.Id, "location", Decision(true, "v2")), HttpStatusCode.OK);

        var change = await phone.WaitFor("ConsentChanged");
        Assert.Equal(synced + 1, change.Sequence);
        Assert.Equal(shopper.Id, change.Payload.GetProperty("customerId").GetString());
        var consents = change.Payload.GetProperty("consents");
        Assert.Equal([false, false, true, false], consents.EnumerateArray().Select(consent => consent.GetProperty("granted").GetBoolean()));
        Assert.Equal("v2", Of(consents, "location").GetProperty("policyVersion").GetString());
        Assert.Equal("web", Of(consents, "location").GetProperty("channel").GetString());
    }
}
