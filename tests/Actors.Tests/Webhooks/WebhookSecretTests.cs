using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Grains.Webhooks;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Webhooks;

/// <summary>
/// Endpoint secrets at rest: no column of the database holds one, deliveries are signed with the secret shown at
/// registration, and a sealed secret copied to another endpoint's row signs nothing.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookSecretTests(WebhookFixture fixture)
{
    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task A_secret_is_stored_nowhere_in_the_clear_and_deliveries_verify_with_the_secret_shown_at_registration()
    {
        var operatorClient = await fixture.ClientAs("operator");
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        // The receiver of the made secret learns it only from the answer, so it checks signatures itself below.
        var madeUrl = Receiver.Path("not-the-secret-0123456789");
        var made = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/webhooks",
            new { url = madeUrl, events = new[] { WebhookEvents.ConsentChanged } }), HttpStatusCode.Created);
        var madeSecret = made.GetProperty("secret").GetString()!;
        var givenSecret = "given-" + Guid.NewGuid().ToString("N");
        var givenUrl = Receiver.Path(givenSecret);
        var given = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/webhooks",
            new { url = givenUrl, events = new[] { WebhookEvents.ConsentChanged }, secret = givenSecret }), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, given.GetProperty("secret").ValueKind);

        await shopper.SetConsent("marketing", granted: true);

        var toMade = (await Eventually.Get(() => Task.FromResult(Receiver.At(madeUrl, shopper.Id)), got => got.Count == 1))[0];
        Assert.True(WebhookSignature.Verify(madeSecret, toMade.Signature, toMade.RawBody, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(givenSecret, toMade.Signature, toMade.RawBody, DateTimeOffset.UtcNow));
        var toGiven = (await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(givenUrl, shopper.Id)), got => got.Count == 1))[0];
        Assert.True(toGiven.SignatureValid);

        // The hex of the made secret alone as well: no column holds it in any case or encoding the scan knows.
        Assert.Empty(await PlaintextScan.Findings(fixture.ConnectionString,
            [madeSecret, madeSecret[WebhookRegistration.SecretPrefix.Length..], givenSecret]));
        var read = await operatorClient.GetStringAsync($"/v1/webhooks/{made.GetProperty("id").GetString()}");
        Assert.DoesNotContain(madeSecret[WebhookRegistration.SecretPrefix.Length..], read, StringComparison.Ordinal);
        var list = await operatorClient.GetStringAsync("/v1/webhooks");
        Assert.DoesNotContain(givenSecret, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sealed_secret_copied_to_another_endpoints_row_does_not_open_and_nothing_is_sent_to_that_endpoint()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (ownerId, owner) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        var (thiefId, thief) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        var stored = new StoredData(fixture.ConnectionString);
        Assert.Equal(1, await stored.Execute("""
            UPDATE webhook_endpoints t SET secret_key_id = o.secret_key_id, secret_sealed = o.secret_sealed
            FROM webhook_endpoints o WHERE t.id = @thief AND o.id = @owner
            """, ("thief", thiefId), ("owner", ownerId)));

        await shopper.SetConsent("analytics", granted: true);

        // The owner's deliveries go on; the other endpoint's are tried, fail with the reason, and stay pending.
        var toOwner = (await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(owner, shopper.Id)), got => got.Count == 1))[0];
        Assert.True(toOwner.SignatureValid);
        var log = await Eventually.Get(() => fixture.Deliveries(thiefId),
            log => log.GetProperty("data").EnumerateArray().Any(entry => entry.GetProperty("attempts").GetInt32() >= 2));
        var entry = log.GetProperty("data").EnumerateArray().Single(entry => entry.GetProperty("eventId").GetString() == toOwner.EventId);
        Assert.Equal("pending", entry.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("lastStatus").ValueKind);
        Assert.Contains("secret does not open", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains(thiefId, entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(Receiver.At(thief, shopper.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await (await fixture.ClientAs("operator")).DeleteAsync($"/v1/webhooks/{thiefId}")).StatusCode);
    }
}
