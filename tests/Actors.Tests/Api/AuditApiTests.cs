using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Core.Internal;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>
/// The audit trail over the API, against the real journal: consent and limits changes are chained entries that verify,
/// their receipts verify with the published keys, and an entry changed or removed straight in PostgreSQL is found.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture fixture)
{
    private static readonly string Genesis = new('0', 64);

    /// <summary>A customer who granted marketing, set a daily cap of 5,000, lowered it to 3,000 and withdrew marketing.</summary>
    private async Task<Shopper> CustomerWithHistory()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        await shopper.SetConsent("marketing", granted: true);
        await shopper.SetLimits(daily: 5_000);
        await shopper.SetLimits(daily: 3_000);
        await shopper.SetConsent("marketing", granted: false);
        return shopper;
    }

    private static JsonElement[] Entries(JsonElement page) => [.. page.GetProperty("data").EnumerateArray()];

    private static long SequenceOf(JsonElement entry) => entry.GetProperty("sequence").GetInt64();

    private async Task<JsonElement> Verify(Shopper shopper) => await shopper.Read("/audit/verify");

    [Fact]
    public async Task Consent_and_cap_changes_are_chained_entries_newest_first_that_verify()
    {
        var shopper = await CustomerWithHistory();

        var entries = Entries(await shopper.Read("/audit"));

        Assert.Equal(["consent", "limits", "limits", "consent"], entries.Select(entry => entry.GetProperty("kind").GetString()));
        Assert.Equal(
            [
                "marketing withdrawn via web under policy 2026-11",
                "daily cap 5000 → 3000 (EUR)",
                "daily cap none → 5000 (EUR)",
                "marketing granted via web under policy 2026-11",
            ],
            entries.Select(entry => entry.GetProperty("summary").GetString()));
        Assert.True(entries.Zip(entries.Skip(1)).All(pair => SequenceOf(pair.First) > SequenceOf(pair.Second)));
        // Each entry holds the hash of the one before it; the first links to 32 zero bytes.
        for (var i = 0; i < entries.Length - 1; i++)
        {
            Assert.Equal(entries[i + 1].GetProperty("hash").GetString(), entries[i].GetProperty("previousHash").GetString());
        }
        Assert.Equal(Genesis, entries[^1].GetProperty("previousHash").GetString());
        Assert.Equal(64, entries[0].GetProperty("hash").GetString()!.Length);
        var verification = await Verify(shopper);
        Assert.True(verification.GetProperty("verified").GetBoolean());
        Assert.Equal(4, verification.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task The_trail_pages_newest_first_with_a_cursor()
    {
        var shopper = await CustomerWithHistory();

        var first = await shopper.Read("/audit?limit=3");
        var last = await shopper.Read($"/audit?limit=3&starting_after={SequenceOf(Entries(first)[^1])}");

        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.Equal(3, Entries(first).Length);
        Assert.False(last.GetProperty("hasMore").GetBoolean());
        Assert.Equal("marketing granted via web under policy 2026-11", Assert.Single(Entries(last)).GetProperty("summary").GetString());
        await Problem(await shopper.Client.GetAsync($"{shopper.Base}/audit?starting_after=first"), HttpStatusCode.BadRequest, "/errors/validation");
        await Problem(await shopper.Client.GetAsync($"{shopper.Base}/audit?limit=0"), HttpStatusCode.BadRequest, "/errors/validation");
    }

    [Fact]
    public async Task A_consent_receipt_verifies_with_the_published_keys_and_an_edited_one_does_not()
    {
        var shopper = await CustomerWithHistory();
        var withdrawn = Entries(await shopper.Read("/audit"))[0];

        var signed = await shopper.Read($"/audit/{SequenceOf(withdrawn)}/receipt");
        var keys = await fixture.Api.CreateClient().GetStringAsync("/.well-known/receipt-keys");
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(keys).GetSigningKeys(),
            ValidIssuer = "actors",
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
        var jws = signed.GetProperty("jws").GetString()!;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jws, parameters);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(ReceiptTestSettings.KeyId, signed.GetProperty("keyId").GetString());
        Assert.Equal(shopper.Id, result.Claims["sub"]);
        var receipt = signed.GetProperty("receipt");
        Assert.Equal(shopper.Id, receipt.GetProperty("sub").GetString());
        Assert.Equal(SequenceOf(withdrawn), receipt.GetProperty("sequence").GetInt64());
        Assert.Equal("consent", receipt.GetProperty("kind").GetString());
        Assert.Equal(withdrawn.GetProperty("hash").GetString(), receipt.GetProperty("auditHash").GetString());
        Assert.Equal("web", receipt.GetProperty("channel").GetString());
        Assert.Equal("test-customer", receipt.GetProperty("deviceId").GetString());
        var change = receipt.GetProperty("change");
        Assert.Equal("marketing", change.GetProperty("purpose").GetString());
        Assert.False(change.GetProperty("granted").GetBoolean());
        Assert.Equal("2026-11", change.GetProperty("policyVersion").GetString());

        var parts = jws.Split('.');
        var edited = Base64UrlEncoder.Encode(Base64UrlEncoder.DecodeBytes(parts[1]).Select(b => b == (byte)'m' ? (byte)'M' : b).ToArray());
        Assert.False((await new JsonWebTokenHandler().ValidateTokenAsync($"{parts[0]}.{edited}.{parts[2]}", parameters)).IsValid);
    }

    [Fact]
    public async Task A_limits_receipt_states_the_caps_before_and_after()
    {
        var shopper = await CustomerWithHistory();
        var lowered = Entries(await shopper.Read("/audit"))[1];

        var receipt = (await shopper.Read($"/audit/{SequenceOf(lowered)}/receipt")).GetProperty("receipt");

        Assert.Equal("limits", receipt.GetProperty("kind").GetString());
        var cap = Assert.Single(receipt.GetProperty("change").GetProperty("caps").EnumerateArray());
        Assert.Equal("daily", cap.GetProperty("window").GetString());
        Assert.Equal(5_000, cap.GetProperty("from").GetInt64());
        Assert.Equal(3_000, cap.GetProperty("to").GetInt64());
        Assert.Equal("EUR", receipt.GetProperty("change").GetProperty("currency").GetString());
        Assert.Equal("web", receipt.GetProperty("channel").GetString());
        Assert.Equal("test-customer", receipt.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Self_exclusion_is_an_entry_with_a_receipt_and_other_events_have_none()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var until = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await shopper.SelfExclude(until);

        var entry = Assert.Single(Entries(await shopper.Read("/audit")));
        var receipt = (await shopper.Read($"/audit/{SequenceOf(entry)}/receipt")).GetProperty("receipt");

        Assert.Equal("self-exclusion", entry.GetProperty("kind").GetString());
        Assert.Equal("self-excluded until 2030-01-01T00:00:00Z", entry.GetProperty("summary").GetString());
        Assert.Equal(until, receipt.GetProperty("change").GetProperty("until").GetDateTimeOffset());
        // Sequence 1 is the profile's creation: no audit entry, so no receipt.
        await Problem(await shopper.Client.GetAsync($"{shopper.Base}/audit/1/receipt"), HttpStatusCode.NotFound, "/errors/audit-entry-not-found");
        await Problem(await shopper.Client.GetAsync($"{shopper.Base}/audit/first/receipt"), HttpStatusCode.NotFound, "/errors/audit-entry-not-found");
    }

    [Fact]
    public async Task A_payload_byte_flipped_in_PostgreSQL_breaks_verification_at_that_entry()
    {
        var shopper = await CustomerWithHistory();
        var raised = Entries(await shopper.Read("/audit"))[2];

        var changed = await fixture.Stored.Execute(
            "UPDATE customer_events SET payload = set_byte(payload, 20, get_byte(payload, 20) # 1) WHERE customer_id = @id AND sequence = @sequence",
            ("id", shopper.Id), ("sequence", SequenceOf(raised)));

        Assert.Equal(1, changed);
        var verification = await Verify(shopper);
        Assert.False(verification.GetProperty("verified").GetBoolean());
        Assert.Equal(SequenceOf(raised), verification.GetProperty("brokenAt").GetInt64());
        Assert.False(string.IsNullOrEmpty(verification.GetProperty("reason").GetString()));
        // No receipt vouches for an entry at or after the break; the entry still lists, without what it no longer holds.
        await Problem(await shopper.Client.GetAsync($"{shopper.Base}/audit/{SequenceOf(raised)}/receipt"), HttpStatusCode.Conflict, "/errors/audit-chain-broken");
        var listed = Entries(await shopper.Read("/audit"))[2];
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("change").ValueKind);
    }

    [Fact]
    public async Task A_recorded_time_moved_in_PostgreSQL_breaks_verification_at_that_entry()
    {
        var shopper = await CustomerWithHistory();
        var granted = Entries(await shopper.Read("/audit"))[3];

        await fixture.Stored.Execute("UPDATE customer_events SET recorded_at = recorded_at - interval '1 day' WHERE customer_id = @id AND sequence = @sequence",
            ("id", shopper.Id), ("sequence", SequenceOf(granted)));

        Assert.Equal(SequenceOf(granted), (await Verify(shopper)).GetProperty("brokenAt").GetInt64());
    }

    [Fact]
    public async Task An_entry_deleted_from_the_middle_breaks_verification_at_the_entry_after_it()
    {
        var shopper = await CustomerWithHistory();
        var entries = Entries(await shopper.Read("/audit"));

        await fixture.Stored.Execute("DELETE FROM customer_events WHERE customer_id = @id AND sequence = @sequence",
            ("id", shopper.Id), ("sequence", SequenceOf(entries[2])));

        var verification = await Verify(shopper);
        Assert.False(verification.GetProperty("verified").GetBoolean());
        Assert.Equal(SequenceOf(entries[1]), verification.GetProperty("brokenAt").GetInt64());
    }

    [Fact]
    public async Task The_chain_goes_on_across_activations()
    {
        var shopper = await CustomerWithHistory();
        // A new activation reads the head from the journal; its next entry must link to the last one written before.
        var cluster = fixture.Api.Services.GetRequiredService<IClusterClient>();
        await cluster.GetGrain<Actors.Grains.Customers.ICustomerGrain>(shopper.Id).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await shopper.SetConsent("analytics", granted: true);

        var entries = Entries(await shopper.Read("/audit"));
        Assert.Equal(entries[1].GetProperty("hash").GetString(), entries[0].GetProperty("previousHash").GetString());
        Assert.Equal(5, (await Verify(shopper)).GetProperty("entries").GetInt32());
        Assert.True((await Verify(shopper)).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_merge_is_in_both_customers_trails_and_both_chains_verify()
    {
        var older = await Shopper.Create(fixture.ClientAs);
        var newer = await CustomerWithHistory();

        await Json(await older.Merchant.PostAsJsonAsync($"{older.Base}/merge", new { from = newer.Id }), HttpStatusCode.OK);

        var survivor = Entries(await older.Read("/audit")).Select(entry => entry.GetProperty("summary").GetString()).ToList();
        Assert.Contains($"merge of {newer.Id} started", survivor);
        Assert.Contains($"merge of {newer.Id} completed", survivor);
        // The lower cap of the merged-away customer came with it, as a limits entry of the survivor.
        Assert.Contains("daily cap none → 3000 (EUR)", survivor);
        Assert.True(survivor.IndexOf($"merge of {newer.Id} started") > survivor.IndexOf($"merge of {newer.Id} completed"));
        var mergedAway = Entries(await Json(await older.Merchant.GetAsync($"{newer.Base}/audit"), HttpStatusCode.OK));
        Assert.Equal($"merged into {older.Id}", mergedAway[0].GetProperty("summary").GetString());
        Assert.True((await Verify(older)).GetProperty("verified").GetBoolean());
        Assert.True((await Json(await older.Merchant.GetAsync($"{newer.Base}/audit/verify"), HttpStatusCode.OK)).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Another_customer_is_told_none_exists_and_support_reads_with_the_device_masked()
    {
        var shopper = await CustomerWithHistory();
        var other = await Shopper.Create(fixture.ClientAs);
        var support = await fixture.ClientAs("support");

        foreach (var path in new[] { "/audit", "/audit/verify", "/audit/2/receipt" })
        {
            await Problem(await other.Client.GetAsync(shopper.Base + path), HttpStatusCode.NotFound, "/errors/customer-not-found");
        }
        var seen = Entries(await Json(await support.GetAsync($"{shopper.Base}/audit"), HttpStatusCode.OK));
        Assert.Equal(4, seen.Length);
        Assert.Equal("***", seen[0].GetProperty("change").GetProperty("deviceId").GetString());
        // Support's read is now the newest entry; the customer sees their own device in the one before.
        var own = Entries(await shopper.Read("/audit"));
        Assert.Equal("support-access", own[0].GetProperty("kind").GetString());
        Assert.Equal("test-customer", own[1].GetProperty("change").GetProperty("deviceId").GetString());
        await Problem(await support.GetAsync("/v1/customers/cus_0123456789abcdefghjk/audit"), HttpStatusCode.NotFound, "/errors/customer-not-found");
    }

    [Fact]
    public async Task The_API_does_not_start_without_a_receipt_signing_key()
    {
        var settings = fixture.Settings(devTokens: false);
        settings.Remove("Receipts:SigningKey");
        await using var api = new ApiFactory(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.Contains("Receipts:SigningKey", failure.Message);
    }
}
