using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Grains.Webhooks;
using Actors.Tests.Infrastructure;
using Npgsql;

namespace Actors.Tests.Webhooks;

/// <summary>
/// Webhooks end to end: a real silo sends what the journal holds to a real receiver on loopback, which fails, times
/// out and answers late as told, and checks every signature.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDeliveryTests(WebhookFixture fixture)
{
    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task Every_event_of_a_consent_change_checkout_confirm_and_refund_arrives_signed_in_journal_order()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        var (_, url) = await fixture.Register();

        await shopper.SetConsent("marketing", granted: true);
        var paymentId = await shopper.Pay(visa, 3_000);
        var refund = await shopper.As(await fixture.ClientAs("operator")).Refund(paymentId, """{"amount":1000,"reason":"damaged"}""");
        await HttpAssert.Json(refund, HttpStatusCode.Created);

        string[] expected = ["consent.changed", "checkout.created", "payment.created", "payment.succeeded", "refund.requested", "refund.succeeded"];
        var received = await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(url, shopper.Id)), got => got.Count >= expected.Length);
        Assert.Equal(expected, received.Select(request => request.Type));
        Assert.All(received, request => Assert.True(request.SignatureValid, $"{request.EventId} is not signed with the endpoint's secret."));
        Assert.All(received, request => Assert.Equal(WebhookEventId.Of(shopper.Id, request.Sequence), request.EventId));
        Assert.Equal(received.Select(request => request.Sequence).Order(), received.Select(request => request.Sequence));
        Assert.Equal(received.Count, received.Select(request => request.Sequence).Distinct().Count());

        var consent = received[0].Body.GetProperty("data");
        Assert.Equal("marketing", consent.GetProperty("purpose").GetString());
        Assert.True(consent.GetProperty("granted").GetBoolean());
        var succeeded = received[3].Body.GetProperty("data");
        Assert.Equal(paymentId, succeeded.GetProperty("paymentId").GetString());
        Assert.Equal(3_000, succeeded.GetProperty("amount").GetInt64());
        Assert.Equal("EUR", succeeded.GetProperty("currency").GetString());
        Assert.Equal("succeeded", succeeded.GetProperty("status").GetString());
        var refunded = received[5].Body.GetProperty("data");
        Assert.Equal(1_000, refunded.GetProperty("amount").GetInt64());
        Assert.Equal("succeeded", refunded.GetProperty("status").GetString());
        // Ids and money only: no email, name, card digits or the refund's free text.
        Assert.All(received, request =>
        {
            Assert.DoesNotContain("@", request.RawBody);
            Assert.DoesNotContain("Grace", request.RawBody);
            Assert.DoesNotContain("4242", request.RawBody);
            Assert.DoesNotContain("damaged", request.RawBody);
        });
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_same_event_id_again_until_it_acknowledges_and_the_customers_next_event_waits()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (id, url) = await fixture.Register(attempt => attempt < 3 ? ReceiverAnswer.Fail : ReceiverAnswer.Acknowledge, WebhookEvents.ConsentChanged);

        await shopper.SetConsent("marketing", granted: true);
        await shopper.SetConsent("marketing", granted: false);

        var acknowledged = await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(url, shopper.Id)), got => got.Count == 2);
        var all = Receiver.At(url, shopper.Id);
        // Three refusals and the acknowledgement of the first event, all with its id, before the second is sent at all.
        Assert.Equal(5, all.Count);
        Assert.Equal([ReceiverAnswer.Fail, ReceiverAnswer.Fail, ReceiverAnswer.Fail, ReceiverAnswer.Acknowledge, ReceiverAnswer.Acknowledge],
            all.Select(request => request.Answer));
        Assert.Single(all.Take(4).Select(request => request.EventId).Distinct());
        Assert.True(all[0].Body.GetProperty("data").GetProperty("granted").GetBoolean());
        Assert.False(all[4].Body.GetProperty("data").GetProperty("granted").GetBoolean());
        Assert.True(acknowledged[0].Sequence < acknowledged[1].Sequence);

        var log = await fixture.Deliveries(id);
        var first = Entry(log, acknowledged[0].EventId);
        Assert.Equal("delivered", first.GetProperty("status").GetString());
        Assert.Equal(4, first.GetProperty("attempts").GetInt32());
        Assert.Equal(200, first.GetProperty("lastStatus").GetInt32());
        Assert.Equal("consent.changed", first.GetProperty("type").GetString());
        Assert.Equal(shopper.Id, first.GetProperty("customer").GetString());
        Assert.Equal(1, Entry(log, acknowledged[1].EventId).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_delivery_that_times_out_is_sent_again_and_a_late_answer_within_the_timeout_counts_once()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (hangingId, hanging) = await fixture.Register(attempt => attempt == 0 ? ReceiverAnswer.Hang : ReceiverAnswer.Acknowledge, WebhookEvents.ConsentChanged);
        var (lateId, late) = await fixture.Register(_ => ReceiverAnswer.Late, WebhookEvents.ConsentChanged);

        await shopper.SetConsent("analytics", granted: true);

        var retried = await Eventually.Get(() => Task.FromResult(Receiver.At(hanging, shopper.Id)), got => got.Count == 2);
        Assert.Equal([ReceiverAnswer.Hang, ReceiverAnswer.Acknowledge], retried.Select(request => request.Answer));
        Assert.Equal(retried[0].EventId, retried[1].EventId);
        Assert.Equal(retried[0].RawBody, retried[1].RawBody);
        var timedOut = await Eventually.Get(() => fixture.Deliveries(hangingId), log => Entry(log, retried[0].EventId).GetProperty("status").GetString() == "delivered");
        Assert.Equal(2, Entry(timedOut, retried[0].EventId).GetProperty("attempts").GetInt32());

        var answeredLate = await Eventually.Get(() => fixture.Deliveries(lateId), log => Entry(log, retried[0].EventId).GetProperty("status").GetString() == "delivered");
        Assert.Equal(1, Entry(answeredLate, retried[0].EventId).GetProperty("attempts").GetInt32());
        Assert.Single(Receiver.At(late, shopper.Id));
    }

    [Fact]
    public async Task A_replay_sends_a_delivered_event_again_with_the_same_id()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (id, url) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        await shopper.SetConsent("location", granted: true);
        var first = (await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(url, shopper.Id)), got => got.Count == 1))[0];
        await Eventually.Get(() => fixture.Deliveries(id), log => Entry(log, first.EventId).GetProperty("status").GetString() == "delivered");
        var operatorClient = await fixture.ClientAs("operator");

        var replay = await operatorClient.PostAsync($"/v1/webhooks/{id}/deliveries/{first.EventId}/replay", null);

        Assert.Equal(first.EventId, (await HttpAssert.Json(replay, HttpStatusCode.Accepted)).GetProperty("eventId").GetString());
        var both = await Eventually.Get(() => Task.FromResult(Receiver.At(url, shopper.Id)), got => got.Count == 2);
        Assert.Equal(first.EventId, both[1].EventId);
        Assert.Equal(first.RawBody, both[1].RawBody);
        Assert.True(both[1].SignatureValid);
        var log = await Eventually.Get(() => fixture.Deliveries(id), log => Entry(log, first.EventId).GetProperty("status").GetString() == "delivered");
        Assert.Equal(2, Entry(log, first.EventId).GetProperty("attempts").GetInt32());
        await HttpAssert.Problem(await operatorClient.PostAsync($"/v1/webhooks/{id}/deliveries/{WebhookEventId.Of(shopper.Id, 999)}/replay", null),
            HttpStatusCode.NotFound, "/errors/delivery-not-found");
        await HttpAssert.Problem(await operatorClient.PostAsync($"/v1/webhooks/{id}/deliveries/nonsense/replay", null),
            HttpStatusCode.NotFound, "/errors/delivery-not-found");
    }

    [Fact]
    public async Task A_deleted_endpoint_gets_nothing_more()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (deletedId, deleted) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        var (_, kept) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        await shopper.SetConsent("marketing", granted: true);
        await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(deleted, shopper.Id)), got => got.Count == 1);
        var operatorClient = await fixture.ClientAs("operator");

        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"/v1/webhooks/{deletedId}")).StatusCode);
        await shopper.SetConsent("marketing", granted: false);

        // The kept endpoint hears of the second change; the deleted one was never even given a delivery of it.
        await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(kept, shopper.Id)), got => got.Count == 2);
        Assert.Single(Receiver.At(deleted, shopper.Id));
        Assert.Equal(1, await StoredDeliveries(deletedId));
        await HttpAssert.Problem(await operatorClient.GetAsync($"/v1/webhooks/{deletedId}"), HttpStatusCode.NotFound, "/errors/webhook-not-found");
        await HttpAssert.Problem(await operatorClient.DeleteAsync($"/v1/webhooks/{deletedId}"), HttpStatusCode.NotFound, "/errors/webhook-not-found");
        var list = await HttpAssert.Json(await operatorClient.GetAsync("/v1/webhooks"), HttpStatusCode.OK);
        Assert.DoesNotContain(list.GetProperty("data").EnumerateArray(), endpoint => endpoint.GetProperty("id").GetString() == deletedId);
    }

    [Fact]
    public async Task Registration_refuses_bad_input_with_problem_details_and_stores_nothing_and_a_made_secret_is_shown_once()
    {
        var operatorClient = await fixture.ClientAs("operator");
        var before = await EndpointCount();
        var url = Receiver.Path("unused-secret-0123456789");

        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url = "ftp://example.com/hook", events = new[] { "payment.succeeded" } }),
            HttpStatusCode.BadRequest, "/errors/validation");
        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url = "/relative", events = new[] { "payment.succeeded" } }),
            HttpStatusCode.BadRequest, "/errors/validation");
        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url, events = new[] { "payment.exploded" } }),
            HttpStatusCode.BadRequest, "/errors/validation");
        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url, events = Array.Empty<string>() }),
            HttpStatusCode.BadRequest, "/errors/validation");
        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url, events = new[] { "payment.succeeded" }, secret = "short" }),
            HttpStatusCode.BadRequest, "/errors/validation");
        Assert.Equal(before, await EndpointCount());

        var created = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url, events = new[] { "payment.succeeded" } }),
            HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        var id = created.GetProperty("id").GetString()!;
        var read = await HttpAssert.Json(await operatorClient.GetAsync($"/v1/webhooks/{id}"), HttpStatusCode.OK);
        Assert.Equal(url, read.GetProperty("url").GetString());
        Assert.Equal(["payment.succeeded"], read.GetProperty("events").EnumerateArray().Select(name => name.GetString()));
        Assert.False(read.TryGetProperty("secret", out _));

        await HttpAssert.Problem(await operatorClient.PostAsJsonAsync("/v1/webhooks", new { url, events = new[] { "refund.succeeded" } }),
            HttpStatusCode.Conflict, "/errors/webhook-exists");
        Assert.Equal(before + 1, await EndpointCount());
        await HttpAssert.Problem(await operatorClient.GetAsync("/v1/webhooks/we_0123456789abcdefghjk"), HttpStatusCode.NotFound, "/errors/webhook-not-found");
        await HttpAssert.Problem(await operatorClient.GetAsync($"/v1/webhooks/{id}/deliveries?limit=0"), HttpStatusCode.BadRequest, "/errors/validation");
        await HttpAssert.Problem(await operatorClient.GetAsync($"/v1/webhooks/{id}/deliveries?starting_after=x"), HttpStatusCode.BadRequest, "/errors/validation");
        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_delivery_log_pages_newest_first()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        var (id, url) = await fixture.Register(null, WebhookEvents.ConsentChanged);
        foreach (var purpose in new[] { "marketing", "analytics", "location" })
        {
            await shopper.SetConsent(purpose, granted: true);
        }
        var acknowledged = await Eventually.Get(() => Task.FromResult(Receiver.Acknowledged(url, shopper.Id)), got => got.Count == 3);
        var operatorClient = await fixture.ClientAs("operator");

        var first = await HttpAssert.Json(await operatorClient.GetAsync($"/v1/webhooks/{id}/deliveries?limit=2"), HttpStatusCode.OK);
        var last = first.GetProperty("data")[1].GetProperty("eventId").GetString();
        var second = await HttpAssert.Json(await operatorClient.GetAsync($"/v1/webhooks/{id}/deliveries?limit=2&starting_after={last}"), HttpStatusCode.OK);

        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.False(second.GetProperty("hasMore").GetBoolean());
        Assert.Equal(acknowledged.Select(request => request.EventId).Reverse(),
            first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(entry => entry.GetProperty("eventId").GetString()));
    }

    private static JsonElement Entry(JsonElement log, string eventId) =>
        log.GetProperty("data").EnumerateArray().Single(entry => entry.GetProperty("eventId").GetString() == eventId);

    private async Task<long> EndpointCount() => await Scalar("SELECT count(*) FROM webhook_endpoints", null);

    private async Task<long> StoredDeliveries(string endpointId) => await Scalar("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1", endpointId);

    private async Task<long> Scalar(string sql, string? parameter)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
