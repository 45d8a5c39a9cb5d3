using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class PosApiTests(ApiFixture fixture)
{
    private static string NewTill() => "till-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A customer holding a new loyalty card, with coffee beans at 1,250 in the catalog.</summary>
    private async Task<(Shopper Shopper, string Card, string Sku)> CardHolder()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var card = Shopper.NewLoyaltyCard();
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        var sku = TestCatalog.Sku("sku-1", 1_250, "EUR");
        await TestCatalog.Ensure(shopper.Merchant, sku, "Coffee beans", 1_250);
        return (shopper, card, sku);
    }

    private static HttpRequestMessage TillRequest(string path, object body, string tillId, string? key)
    {
        var request = Requests.Json(HttpMethod.Post, path, JsonSerializer.Serialize(body), key);
        request.Headers.Remove("X-Device-Id");
        request.Headers.Add("X-Device-Id", tillId);
        return request;
    }

    private async Task<HttpResponseMessage> Sell(HttpClient till, string tillId, object body, string? key = null) =>
        await till.SendAsync(TillRequest("/v1/pos/checkouts", body, tillId, key ?? Shopper.NewKey()));

    private static async Task<string[]> PaymentIds(Shopper shopper) =>
        [.. (await shopper.Read("/payments")).GetProperty("data").EnumerateArray().Select(payment => payment.GetProperty("id").GetString()!)];

    [Fact]
    public async Task A_till_sale_by_loyalty_card_is_seen_live_on_the_phone_and_in_the_history_with_channel_pos()
    {
        var (shopper, card, sku) = await CardHolder();
        var method = await shopper.SaveMethod("tok_visa");
        await using var phone = await LiveDevice.Watching(shopper.Client);
        var pos = await fixture.ClientAs("pos");
        var tillId = NewTill();
        await using var till = await LiveDevice.WatchingAsTill(pos, shopper.Id, tillId);
        await using var otherTill = await LiveDevice.WatchingAsTill(pos, shopper.Id, NewTill());

        var sale = await Json(await Sell(pos, tillId, new { card = card[..4] + " " + card[4..8] + " " + card[8..], lines = new[] { new { sku, quantity = 2 } }, pay = "till", paymentMethodId = method }),
            HttpStatusCode.Created);

        Assert.Equal(shopper.Id, sale.GetProperty("customerId").GetString());
        Assert.False(sale.GetProperty("enrolled").GetBoolean());
        Assert.Equal(2_500, sale.GetProperty("checkout").GetProperty("total").GetInt64());
        var payment = sale.GetProperty("payment");
        Assert.Equal(("succeeded", "pos"), (payment.GetProperty("status").GetString(), payment.GetProperty("channel").GetString()));
        var paymentId = payment.GetProperty("id").GetString()!;

        var seen = await phone.WaitFor("PaymentUpdated", message => message.GetProperty("payment").GetProperty("id").GetString() == paymentId
            && message.GetProperty("change").GetString() == "succeeded");
        Assert.Equal("pos", seen.Payload.GetProperty("payment").GetProperty("channel").GetString());
        var created = await phone.WaitFor("CheckoutUpdated", message => message.GetProperty("change").GetString() == "created");
        Assert.Equal(("pos", false), (created.Payload.GetProperty("checkout").GetProperty("channel").GetString(),
            created.Payload.GetProperty("checkout").GetProperty("handedToPhone").GetBoolean()));

        var history = await shopper.Read("/payments?channel=pos");
        var listed = Assert.Single(history.GetProperty("data").EnumerateArray());
        Assert.Equal((paymentId, "pos", 2_500L), (listed.GetProperty("id").GetString(), listed.GetProperty("channel").GetString(), listed.GetProperty("amount").GetInt64()));

        // The till hears of its own checkout and payment and of nothing else about the customer; another till hears nothing.
        await till.WaitFor("PaymentUpdated", message => message.GetProperty("payment").GetProperty("id").GetString() == paymentId
            && message.GetProperty("change").GetString() == "succeeded");
        await phone.WaitFor("LimitsChanged");
        await shopper.SetLimits(daily: 90_000);
        await phone.WaitFor("LimitsChanged", message => message.GetProperty("limits").ToString().Contains("90000"));
        Assert.All(till.Messages, message => Assert.Contains(message.Method, (string[])["Synced", "CheckoutUpdated", "PaymentUpdated"]));
        Assert.DoesNotContain(otherTill.Messages, message => message.Method != "Synced");
    }

    [Fact]
    public async Task A_guest_is_enrolled_once_per_key_and_two_tills_enrolling_one_card_at_once_make_one_guest()
    {
        var pos = await fixture.ClientAs("pos");
        var operatorClient = await fixture.ClientAs("operator");
        var sku = TestCatalog.Sku("sku-1", 1_250, "EUR");
        await TestCatalog.Ensure(operatorClient, sku, "Coffee beans", 1_250);
        var card = Shopper.NewLoyaltyCard();
        var body = new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "phone", enrol = new { name = "Walk-in" } };
        var tillId = NewTill();
        var key = Shopper.NewKey();

        var first = await Json(await Sell(pos, tillId, body, key), HttpStatusCode.Created);
        var again = await Sell(pos, tillId, body, key);

        var guestId = first.GetProperty("customerId").GetString()!;
        Assert.True(first.GetProperty("enrolled").GetBoolean());
        Assert.Equal(first.GetRawText(), (await Json(again, HttpStatusCode.Created)).GetRawText());
        var resolved = await Json(await pos.GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.OK);
        Assert.Equal(guestId, resolved.GetProperty("customerId").GetString());
        var guest = await Json(await operatorClient.GetAsync($"/v1/customers/{guestId}"), HttpStatusCode.OK);
        Assert.Equal("Walk-in", guest.GetProperty("displayName").GetString());

        // Two tills, one new card, at once: one guest holds it, and both sales are that guest's.
        var shared = Shopper.NewLoyaltyCard();
        var race = new { card = shared, lines = new[] { new { sku, quantity = 1 } }, pay = "phone", enrol = new { name = (string?)null } };
        var sales = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Sell(pos, NewTill(), race)));
        var customers = new List<string>();
        foreach (var response in sales)
        {
            customers.Add((await Json(response, HttpStatusCode.Created)).GetProperty("customerId").GetString()!);
        }
        Assert.Single(customers.Distinct());
        var holder = await Json(await pos.GetAsync($"/v1/identities/card/{shared}"), HttpStatusCode.OK);
        Assert.Equal(customers[0], holder.GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task Refusals_at_the_till_are_the_online_ones_and_keep_nothing()
    {
        var (shopper, card, sku) = await CardHolder();
        var method = await shopper.SaveMethod("tok_visa");
        var pos = await fixture.ClientAs("pos");
        var tillId = NewTill();
        await shopper.SetLimits(daily: 2_000);

        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 2 } }, pay = "till", paymentMethodId = method }),
            HttpStatusCode.Conflict, "/errors/cap-exceeded");

        var unknown = Shopper.NewLoyaltyCard();
        await Problem(await Sell(pos, tillId, new { card = unknown, lines = new[] { new { sku, quantity = 1 } }, pay = "phone" }),
            HttpStatusCode.NotFound, "/errors/identity-not-found");
        await Problem(await pos.GetAsync($"/v1/identities/card/{unknown}"), HttpStatusCode.NotFound, "/errors/identity-not-found");

        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "cash" }),
            HttpStatusCode.BadRequest, "/errors/validation");
        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1, unitPrice = 1 } }, pay = "phone" }),
            HttpStatusCode.BadRequest, "/errors/malformed-json");
        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "phone" }, key: ""),
            HttpStatusCode.BadRequest, "/errors/idempotency-key-required");

        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/self-exclusion", new { until = DateTimeOffset.UtcNow.AddDays(3) }), HttpStatusCode.OK);
        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "till", paymentMethodId = method }),
            HttpStatusCode.Forbidden, "/errors/self-excluded");

        Assert.Empty(await PaymentIds(shopper));
        var limits = await shopper.Read("/limits");
        Assert.DoesNotContain("\"spent\":1", limits.GetRawText());
    }

    [Fact]
    public async Task Only_tills_may_sell_and_only_their_own_checkouts_reach_them_live()
    {
        var (shopper, card, sku) = await CardHolder();
        var body = new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "phone" };
        foreach (var role in (string[])["customer", "support", "operator"])
        {
            var client = role == "customer" ? shopper.Client : await fixture.ClientAs(role);
            await Problem(await Sell(client, NewTill(), body), HttpStatusCode.Forbidden, "/errors/forbidden");
            await Problem(await client.SendAsync(TillRequest($"/v1/pos/checkouts/{shopper.Id}/chk_00000000000000000000/confirm", new { stepUpCode = "123456" }, NewTill(), Shopper.NewKey())),
                HttpStatusCode.Forbidden, "/errors/forbidden");
        }

        // A till cannot confirm another till's checkout.
        var pos = await fixture.ClientAs("pos");
        var sale = await Json(await Sell(pos, NewTill(), body), HttpStatusCode.Created);
        var checkoutId = sale.GetProperty("checkout").GetProperty("id").GetString()!;
        var method = await shopper.SaveMethod("tok_visa");
        await Problem(await pos.SendAsync(TillRequest($"/v1/pos/checkouts/{shopper.Id}/{checkoutId}/confirm", new { paymentMethodId = method }, NewTill(), Shopper.NewKey())),
            HttpStatusCode.NotFound, "/errors/checkout-not-found");
        Assert.Empty(await PaymentIds(shopper));
    }

    [Fact]
    public async Task A_sale_handed_to_the_phone_is_confirmed_there_with_step_up_and_the_till_sees_it_paid()
    {
        var (shopper, card, sku) = await CardHolder();
        var method = await shopper.SaveMethod("tok_stepUpRequired");
        var pos = await fixture.ClientAs("pos");
        var tillId = NewTill();
        await using var phone = await LiveDevice.Watching(shopper.Client);
        await using var till = await LiveDevice.WatchingAsTill(pos, shopper.Id, tillId);

        var sale = await Json(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "phone" }), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, sale.GetProperty("payment").ValueKind);
        var checkoutId = sale.GetProperty("checkout").GetProperty("id").GetString()!;

        var offered = await phone.WaitFor("CheckoutUpdated", message => message.GetProperty("checkout").GetProperty("id").GetString() == checkoutId);
        var offeredCheckout = offered.Payload.GetProperty("checkout");
        Assert.Equal(("created", "pos", 1_250L, true), (offered.Payload.GetProperty("change").GetString(),
            offeredCheckout.GetProperty("channel").GetString(), offeredCheckout.GetProperty("total").GetInt64(), offeredCheckout.GetProperty("handedToPhone").GetBoolean()));

        var asked = await Json(await shopper.Confirm(checkoutId, method), HttpStatusCode.OK);
        Assert.Equal("requires_action", asked.GetProperty("status").GetString());
        await till.WaitFor("PaymentUpdated", message => message.GetProperty("change").GetString() == "requires_action");
        var paid = await Json(await shopper.Confirm(checkoutId, method, stepUpCode: "123456"), HttpStatusCode.OK);
        Assert.Equal(("succeeded", "pos"), (paid.GetProperty("status").GetString(), paid.GetProperty("channel").GetString()));

        var seen = await till.WaitFor("PaymentUpdated", message => message.GetProperty("change").GetString() == "succeeded");
        Assert.Equal(paid.GetProperty("id").GetString(), seen.Payload.GetProperty("payment").GetProperty("id").GetString());

        // A till that missed the live update (a reconnect) reads its own checkout; another till is told there is none.
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1/pos/checkouts/{shopper.Id}/{checkoutId}");
        read.Headers.Add("X-Device-Id", tillId);
        var state = await Json(await pos.SendAsync(read), HttpStatusCode.OK);
        Assert.Equal(("succeeded", "coffee beans"), (state.GetProperty("payment").GetProperty("status").GetString(),
            state.GetProperty("checkout").GetProperty("lines")[0].GetProperty("name").GetString()!.ToLowerInvariant()));
        Assert.True(state.GetProperty("checkout").GetProperty("handedToPhone").GetBoolean());
        // Caps and personalization are the customer's, not the till staff's.
        Assert.False(state.GetProperty("checkout").TryGetProperty("headroom", out _));
        using var other = new HttpRequestMessage(HttpMethod.Get, $"/v1/pos/checkouts/{shopper.Id}/{checkoutId}");
        other.Headers.Add("X-Device-Id", NewTill());
        await Problem(await pos.SendAsync(other), HttpStatusCode.NotFound, "/errors/checkout-not-found");
    }

    [Fact]
    public async Task At_the_till_the_preferred_card_pays_unless_another_is_named_and_a_customer_without_cards_is_handed_to_the_phone()
    {
        var (shopper, card, sku) = await CardHolder();
        var pos = await fixture.ClientAs("pos");
        var tillId = NewTill();

        await Problem(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "till" }),
            HttpStatusCode.UnprocessableEntity, "/errors/payment-method-not-found");
        Assert.Empty(await PaymentIds(shopper));

        var visa = await shopper.SaveMethod("tok_visa");
        var mastercard = await shopper.SaveMethod("tok_mastercard", preferred: true, brand: "mastercard", last4: "4444");
        var preferred = await Json(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "till" }), HttpStatusCode.Created);
        Assert.Equal(mastercard, preferred.GetProperty("payment").GetProperty("paymentMethod").GetProperty("id").GetString());
        var named = await Json(await Sell(pos, tillId, new { card, lines = new[] { new { sku, quantity = 1 } }, pay = "till", paymentMethodId = visa }), HttpStatusCode.Created);
        Assert.Equal(visa, named.GetProperty("payment").GetProperty("paymentMethod").GetProperty("id").GetString());
        Assert.Equal(2, (await PaymentIds(shopper)).Length);
    }
}
