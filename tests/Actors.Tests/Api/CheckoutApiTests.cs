using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CheckoutApiTests(ApiFixture fixture)
{
    private Task<Shopper> NewShopper(string currency = "EUR") => Shopper.Create(fixture.ClientAs, currency);

    [Fact]
    public async Task A_cart_checkout_is_created_confirmed_and_paid_in_two_explicit_steps()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 10_000);
        await TestCatalog.Ensure(shopper.Merchant, "beans", "Coffee beans", 1_450);
        var line = new { sku = "beans", quantity = 2 };
        var cart = await Json(await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", line, version: 0)), HttpStatusCode.OK);
        Assert.Equal(2_900, cart.GetProperty("total").GetInt64());

        var created = await shopper.Post("/checkouts", "{}", Shopper.NewKey());
        var checkout = await Json(created, HttpStatusCode.Created);
        var checkoutId = checkout.GetProperty("id").GetString()!;
        Assert.StartsWith("chk_", checkoutId);
        Assert.Equal($"{shopper.Base}/checkouts/{checkoutId}", created.Headers.Location?.OriginalString);
        Assert.Equal("requires_confirmation", checkout.GetProperty("status").GetString());
        Assert.Equal(visa, checkout.GetProperty("paymentMethods")[0].GetProperty("id").GetString());
        Assert.Equal(10_000, checkout.GetProperty("headroom")[0].GetProperty("remaining").GetInt64());
        Assert.Equal("daily", checkout.GetProperty("headroom")[0].GetProperty("window").GetString());

        var payment = await Json(await shopper.Confirm(checkoutId, visa), HttpStatusCode.OK);
        Assert.Equal("succeeded", payment.GetProperty("status").GetString());
        Assert.StartsWith("pay_", payment.GetProperty("id").GetString());
        Assert.Equal("4242", payment.GetProperty("paymentMethod").GetProperty("last4").GetString());

        var limits = await shopper.Read("/limits");
        Assert.Equal(7_100, limits.GetProperty("headroom")[0].GetProperty("remaining").GetInt64());
        var emptied = await shopper.Read("/cart");
        Assert.Equal(0, emptied.GetProperty("lines").GetArrayLength());
    }

    [Fact]
    public async Task Cart_changes_need_the_current_version_and_a_stale_one_gets_the_current_cart()
    {
        var shopper = await NewShopper();
        await TestCatalog.Ensure(shopper.Merchant, "mug", "mug", 900);
        var line = new { sku = "mug", quantity = 1 };

        var missing = await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", line, version: null));
        var first = await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Post, $"{shopper.Base}/cart/items", line, version: 0));
        var stale = await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Delete, $"{shopper.Base}/cart/items/mug", null, version: 0));

        await Problem(missing, (HttpStatusCode)428, "/errors/precondition-required");
        Assert.Equal("\"1\"", first.Headers.ETag?.Tag);
        var problem = await Problem(stale, HttpStatusCode.PreconditionFailed, "/errors/version-mismatch");
        Assert.Equal("mug", problem.GetProperty("cart").GetProperty("lines")[0].GetProperty("sku").GetString());
        var removed = await Json(await shopper.Client.SendAsync(Shopper.CartChange(HttpMethod.Delete, $"{shopper.Base}/cart/items/mug", null, version: 1)), HttpStatusCode.OK);
        Assert.Equal(2, removed.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_retry_with_the_same_key_gets_the_same_bytes_and_another_body_under_it_gets_422()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        var checkoutId = await shopper.Checkout(1_000);
        var key = Shopper.NewKey();

        var first = await shopper.Confirm(checkoutId, visa, key);
        var retry = await shopper.Confirm(checkoutId, visa, key);
        var other = await shopper.Post($"/checkouts/{checkoutId}/confirm", """{"paymentMethodId":"pm_other"}""", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(first.StatusCode, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await retry.Content.ReadAsByteArrayAsync());
        await Problem(other, HttpStatusCode.UnprocessableEntity, "/errors/idempotency-mismatch");
    }

    [Fact]
    public async Task A_refused_payment_replays_as_the_same_problem_byte_for_byte()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 500);
        var checkoutId = await shopper.Checkout(1_000);
        var key = Shopper.NewKey();

        var first = await shopper.Confirm(checkoutId, visa, key);
        var retry = await shopper.Confirm(checkoutId, visa, key);

        var problem = await Problem(first, HttpStatusCode.Conflict, "/errors/cap-exceeded");
        Assert.Equal("daily", problem.GetProperty("window").GetString());
        Assert.Equal(500, problem.GetProperty("headroom").GetInt64());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string?> BadKeys => new()
    {
        { "missing", null },
        { "empty", "" },
        { "256 characters", new string('k', 256) },
        { "a tab", "order\t42" },
        { "a delete character", "order-42\u007f" },
        { "non-ASCII", "commande-n°42" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Money_moving_requests_without_a_usable_idempotency_key_get_400_and_store_nothing(string why, string? key)
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(visa, 3_000);
        var checkoutId = await shopper.Checkout(1_000);
        var device = await fixture.ClientWritingUtf8HeadersAs("customer", shopper.Id);
        var refunds = await fixture.ClientWritingUtf8HeadersAs("operator");
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var create = await device.SendAsync(Requests.Json(HttpMethod.Post, $"{shopper.Base}/checkouts", await shopper.LinesOf(1_000), key));
        var confirm = await device.SendAsync(Requests.Json(HttpMethod.Post, $"{shopper.Base}/checkouts/{checkoutId}/confirm",
            $$"""{"paymentMethodId":"{{visa}}"}""", key));
        var refund = await refunds.SendAsync(Requests.Json(HttpMethod.Post, $"{shopper.Base}/payments/{paymentId}/refunds",
            """{"amount":1000}""", key));

        Assert.True(new[] { create, confirm, refund }.All(response => response.StatusCode == HttpStatusCode.BadRequest), why);
        foreach (var response in new[] { create, confirm, refund })
        {
            await Problem(response, HttpStatusCode.BadRequest, "/errors/idempotency-key-required");
        }
        await journal.AssertUnchanged();
        Assert.Equal(1, await fixture.Stored.ChargesOf(shopper.Id));
        Assert.Equal(0, await fixture.Stored.GatewayRefundsOf(paymentId));
        Assert.Equal("requires_confirmation", (await shopper.Read($"/checkouts/{checkoutId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_key_of_255_printable_characters_is_accepted()
    {
        var shopper = await NewShopper();

        var response = await shopper.Post("/checkouts", await shopper.LinesOf(1_000), new string('k', 254) + "~");

        await Json(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_same_key_and_body_on_another_query_string_gets_422_mismatch_and_stores_nothing()
    {
        var shopper = await NewShopper();
        var key = Shopper.NewKey();
        var body = await shopper.LinesOf(1_000);
        var first = await shopper.Post("/checkouts?reference=a", body, key);
        await Json(first, HttpStatusCode.Created);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var otherQuery = await shopper.Post("/checkouts?reference=b", body, key);
        var noQuery = await shopper.Post("/checkouts", body, key);
        var sameQuery = await shopper.Post("/checkouts?reference=a", body, key);

        await Problem(otherQuery, HttpStatusCode.UnprocessableEntity, "/errors/idempotency-mismatch");
        await Problem(noQuery, HttpStatusCode.UnprocessableEntity, "/errors/idempotency-mismatch");
        Assert.Equal(HttpStatusCode.Created, sameQuery.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await sameQuery.Content.ReadAsByteArrayAsync());
        await journal.AssertUnchanged();
    }

    [Fact]
    public async Task A_refund_retried_with_its_key_replays_the_first_answer_byte_for_byte_and_refunds_once()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(visa, 3_000);
        var refunds = shopper.As(await fixture.ClientAs("operator"));
        var key = Shopper.NewKey();

        var first = await refunds.Refund(paymentId, """{"amount":1000,"reason":"damaged"}""", key);
        var retry = await refunds.Refund(paymentId, """{"amount":1000,"reason":"damaged"}""", key);
        var otherBody = await refunds.Refund(paymentId, """{"amount":2000,"reason":"damaged"}""", key);

        var refund = await Json(first, HttpStatusCode.Created);
        Assert.Equal(1_000, refund.GetProperty("amount").GetInt64());
        Assert.Equal(2_000, refund.GetProperty("paymentRefundable").GetInt64());
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await retry.Content.ReadAsByteArrayAsync());
        await Problem(otherBody, HttpStatusCode.UnprocessableEntity, "/errors/idempotency-mismatch");
        Assert.Equal(1_000, await fixture.Stored.RefundedSum(shopper.Id));
        Assert.Equal(1, await fixture.Stored.GatewayRefundsOf(paymentId));
        Assert.Equal(1_000, await fixture.Stored.GatewayRefundedOf(paymentId));
        var history = await shopper.Read("/payments");
        Assert.Equal(1_000, history.GetProperty("data")[0].GetProperty("refundedAmount").GetInt64());
    }

    [Fact]
    public async Task A_confirm_the_gateway_left_unanswered_replays_as_202_processing_with_the_same_bytes()
    {
        var shopper = await NewShopper();
        var silent = await shopper.SaveMethod("tok_timeout");
        var checkoutId = await shopper.Checkout(1_200);
        var key = Shopper.NewKey();

        var first = await shopper.Confirm(checkoutId, silent, key);
        var retry = await shopper.Confirm(checkoutId, silent, key);

        var payment = await Json(first, HttpStatusCode.Accepted);
        Assert.Equal("processing", payment.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await retry.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, await fixture.Stored.ChargesOf(shopper.Id));
    }

    [Fact]
    public async Task Self_exclusion_blocks_checkout_with_403_and_cannot_be_shortened()
    {
        var shopper = await NewShopper();
        var until = DateTimeOffset.UtcNow.AddDays(3);

        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/self-exclusion", new { until }), HttpStatusCode.OK);
        var blocked = await shopper.Post("/checkouts", await shopper.LinesOf(1_000), Shopper.NewKey());
        var shorter = await shopper.Client.PostAsJsonAsync($"{shopper.Base}/self-exclusion", new { until = until.AddDays(-1) });
        var other = await NewShopper();
        var tooSoon = await other.Client.PostAsJsonAsync($"{other.Base}/self-exclusion", new { until = DateTimeOffset.UtcNow.AddHours(2) });

        await Problem(blocked, HttpStatusCode.Forbidden, "/errors/self-excluded");
        await Problem(shorter, HttpStatusCode.Conflict, "/errors/self-excluded");
        var problem = await Problem(tooSoon, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("until", out _));
    }

    [Fact]
    public async Task Raising_a_cap_is_pending_until_the_cooling_off_ends_and_lowering_applies_at_once()
    {
        var shopper = await NewShopper();
        await shopper.SetLimits(daily: 5_000, weekly: 20_000);

        var raised = await Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { daily = 9_000, weekly = 10_000 }), HttpStatusCode.OK);

        Assert.Equal(5_000, raised.GetProperty("daily").GetInt64());
        Assert.Equal(10_000, raised.GetProperty("weekly").GetInt64());
        Assert.Equal(JsonValueKind.Null, raised.GetProperty("monthly").ValueKind);
        var pending = Assert.Single(raised.GetProperty("pending").EnumerateArray());
        Assert.Equal("daily", pending.GetProperty("window").GetString());
        Assert.Equal(9_000, pending.GetProperty("amount").GetInt64());
        var effectiveAt = pending.GetProperty("effectiveAt").GetDateTimeOffset();
        Assert.InRange(effectiveAt - pending.GetProperty("requestedAt").GetDateTimeOffset(), TimeSpan.FromHours(24), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Step_up_is_asked_for_and_completed_with_the_code()
    {
        var shopper = await NewShopper();
        var stepUp = await shopper.SaveMethod("tok_stepUpRequired");
        var checkoutId = await shopper.Checkout(2_500);

        var waiting = await Json(await shopper.Confirm(checkoutId, stepUp), HttpStatusCode.OK);
        var done = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "123456"), HttpStatusCode.OK);

        Assert.Equal("requires_action", waiting.GetProperty("status").GetString());
        Assert.Equal("step_up", waiting.GetProperty("nextAction").GetProperty("type").GetString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(waiting.GetProperty("id").GetString(), done.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_wrong_step_up_code_leaves_the_payment_waiting_with_the_tries_left_and_the_right_code_then_pays()
    {
        var shopper = await NewShopper();
        var stepUp = await shopper.SaveMethod("tok_stepUpRequired");
        var checkoutId = await shopper.Checkout(2_500);

        var waiting = await Json(await shopper.Confirm(checkoutId, stepUp), HttpStatusCode.OK);
        var wrong = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "111111"), HttpStatusCode.OK);
        var done = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "123456"), HttpStatusCode.OK);

        Assert.Equal(3, waiting.GetProperty("nextAction").GetProperty("triesLeft").GetInt32());
        Assert.Equal("requires_action", wrong.GetProperty("status").GetString());
        Assert.Equal(2, wrong.GetProperty("nextAction").GetProperty("triesLeft").GetInt32());
        Assert.Equal(waiting.GetProperty("id").GetString(), wrong.GetProperty("id").GetString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(waiting.GetProperty("id").GetString(), done.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Three_wrong_step_up_codes_decline_the_payment_and_the_checkout_can_be_paid_with_another_card()
    {
        var shopper = await NewShopper();
        var stepUp = await shopper.SaveMethod("tok_stepUpRequired");
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 10_000);
        var checkoutId = await shopper.Checkout(2_500);
        await Json(await shopper.Confirm(checkoutId, stepUp), HttpStatusCode.OK);

        var first = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "000001"), HttpStatusCode.OK);
        var second = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "000002"), HttpStatusCode.OK);
        var third = await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "000003"), HttpStatusCode.OK);
        var other = await Json(await shopper.Confirm(checkoutId, visa), HttpStatusCode.OK);

        Assert.Equal(2, first.GetProperty("nextAction").GetProperty("triesLeft").GetInt32());
        Assert.Equal(1, second.GetProperty("nextAction").GetProperty("triesLeft").GetInt32());
        Assert.Equal("declined", third.GetProperty("status").GetString());
        Assert.Equal("authentication_failed", third.GetProperty("declineReason").GetString());
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextAction").ValueKind);
        Assert.Equal("succeeded", other.GetProperty("status").GetString());
        // The declined payment gave its reservation back: only the card that paid counts.
        var daily = (await shopper.Read("/limits")).GetProperty("headroom").EnumerateArray().Single();
        Assert.Equal(7_500, daily.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Removing_a_card_answers_what_was_removed_and_saving_that_again_undoes_it()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");

        var removed = await Json(await shopper.Client.DeleteAsync($"{shopper.Base}/payment-methods/{visa}"), HttpStatusCode.OK);
        var again = await shopper.Client.DeleteAsync($"{shopper.Base}/payment-methods/{visa}");
        var restored = await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods", new
        {
            token = removed.GetProperty("token").GetString(),
            brand = removed.GetProperty("brand").GetString(),
            last4 = removed.GetProperty("last4").GetString(),
            expiryMonth = removed.GetProperty("expiryMonth").GetInt32(),
            expiryYear = removed.GetProperty("expiryYear").GetInt32(),
            billingCountry = removed.GetProperty("billingCountry").GetString(),
            preferred = removed.GetProperty("preferred").GetBoolean(),
        }), HttpStatusCode.Created);

        Assert.Equal(("tok_visa", "4242", 12, 2030, "DE", true),
            (removed.GetProperty("token").GetString(), removed.GetProperty("last4").GetString(), removed.GetProperty("expiryMonth").GetInt32(),
                removed.GetProperty("expiryYear").GetInt32(), removed.GetProperty("billingCountry").GetString(), removed.GetProperty("preferred").GetBoolean()));
        await Problem(again, HttpStatusCode.NotFound, "/errors/payment-method-not-found");
        var first = (await shopper.Read("/payment-methods"))[0];
        Assert.Equal((restored.GetProperty("id").GetString(), "4242", true),
            (first.GetProperty("id").GetString(), first.GetProperty("last4").GetString(), first.GetProperty("preferred").GetBoolean()));
    }

    [Fact]
    public async Task The_shopper_chooses_the_preferred_card_and_checkouts_offer_it_first()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        var mastercard = await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");

        var chosen = await Json(await shopper.Client.PutAsync($"{shopper.Base}/payment-methods/{mastercard}/preferred", null), HttpStatusCode.OK);
        var again = await Json(await shopper.Client.PutAsync($"{shopper.Base}/payment-methods/{mastercard}/preferred", null), HttpStatusCode.OK);
        var unknown = await shopper.Client.PutAsync($"{shopper.Base}/payment-methods/pm_unknown/preferred", null);

        Assert.Equal((mastercard, true), (chosen.GetProperty("id").GetString(), chosen.GetProperty("preferred").GetBoolean()));
        Assert.True(again.GetProperty("preferred").GetBoolean());
        await Problem(unknown, HttpStatusCode.NotFound, "/errors/payment-method-not-found");
        var methods = (await shopper.Read("/payment-methods")).EnumerateArray()
            .Select(method => (method.GetProperty("id").GetString(), method.GetProperty("preferred").GetBoolean()));
        Assert.Equal([(mastercard, true), (visa, false)], methods);
        var checkout = await Json(await shopper.Post("/checkouts", await shopper.LinesOf(900), Shopper.NewKey()), HttpStatusCode.Created);
        Assert.Equal(mastercard, checkout.GetProperty("paymentMethods")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_declined_card_says_why()
    {
        var shopper = await NewShopper();
        var declined = await shopper.SaveMethod("tok_chargeDeclined");

        var payment = await Json(await shopper.Confirm(await shopper.Checkout(700), declined), HttpStatusCode.OK);

        Assert.Equal("declined", payment.GetProperty("status").GetString());
        Assert.Equal("card_declined", payment.GetProperty("declineReason").GetString());
    }

    [Fact]
    public async Task Refunds_are_for_operators_and_never_exceed_what_was_captured()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(visa, 3_000);
        var refunds = shopper.As(await fixture.ClientAs("operator"));

        var byCustomer = await shopper.Refund(paymentId, """{"amount":100}""");
        var partial = await refunds.Refund(paymentId, """{"amount":1000,"reason":"damaged"}""");
        var tooMuch = await refunds.Refund(paymentId, """{"amount":2001}""");
        var unknown = await refunds.Refund("pay_unknown", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        var refund = await Json(partial, HttpStatusCode.Created);
        Assert.Equal(2_000, refund.GetProperty("paymentRefundable").GetInt64());
        var problem = await Problem(tooMuch, HttpStatusCode.UnprocessableEntity, "/errors/refund-exceeds-captured");
        Assert.Equal(2_000, problem.GetProperty("refundable").GetInt64());
        await Problem(unknown, HttpStatusCode.NotFound, "/errors/payment-not-found");
    }

    [Fact]
    public async Task Sessions_list_the_devices_and_channels_seen()
    {
        // No step-up, so the only devices seen are the two below.
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        shopper.Client.DefaultRequestHeaders.Remove("X-Device-Id");
        shopper.Client.DefaultRequestHeaders.Remove("X-Channel");
        await shopper.Client.SendAsync(Seen(shopper, "phone", "mobile", null));
        await shopper.Client.SendAsync(Seen(shopper, "till-7", "pos", "Store 7, till 2"));

        var response = await shopper.Client.SendAsync(Seen(shopper, "till-7", "pos", null, "/sessions"));
        var sessions = await Json(response, HttpStatusCode.OK);

        Assert.Equal(["till-7", "phone"], sessions.EnumerateArray().Select(session => session.GetProperty("deviceId").GetString()));
        Assert.Equal(["pos", "mobile"], sessions.EnumerateArray().Select(session => session.GetProperty("channel").GetString()));
        Assert.Equal("Store 7, till 2", sessions[0].GetProperty("deviceLabel").GetString());

        static HttpRequestMessage Seen(Shopper shopper, string device, string channel, string? label, string path = "/cart")
        {
            var request = new HttpRequestMessage(HttpMethod.Get, shopper.Base + path);
            request.Headers.Add("X-Device-Id", device);
            request.Headers.Add("X-Channel", channel);
            if (label is not null)
            {
                request.Headers.Add("X-Device-Label", label);
            }
            return request;
        }
    }

    [Fact]
    public async Task Requests_that_do_not_say_their_device_and_channel_are_refused()
    {
        var shopper = await NewShopper();
        var request = new HttpRequestMessage(HttpMethod.Get, $"{shopper.Base}/cart");
        shopper.Client.DefaultRequestHeaders.Remove("X-Channel");
        request.Headers.Add("X-Channel", "fax");

        var problem = await Problem(await shopper.Client.SendAsync(request), HttpStatusCode.BadRequest, "/errors/device-required");

        Assert.True(problem.GetProperty("errors").TryGetProperty("X-Channel", out _));
    }

    /// <summary>A shopper with something to lose: a daily cap of 5,000, a saved card, and a mug (900) in the cart at version 1.</summary>
    private async Task<(Shopper Shopper, string Card)> StockedShopper()
    {
        var shopper = await NewShopper();
        var card = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 5_000);
        await Json(await shopper.AddToCart("mug", 900, version: 0), HttpStatusCode.OK);
        return (shopper, card);
    }

    /// <summary>Reads back everything a <see cref="StockedShopper"/> has, and finds it as it was set up, with nothing paid.</summary>
    private static async Task AssertStillStocked(Shopper shopper, string card, string why)
    {
        var cart = await shopper.Read("/cart");
        Assert.True(cart.GetProperty("version").GetInt64() == 1, why);
        Assert.Equal(["mug"], cart.GetProperty("lines").EnumerateArray().Select(line => line.GetProperty("sku").GetString()));
        Assert.Equal(900, cart.GetProperty("total").GetInt64());
        Assert.Equal([card], (await shopper.Read("/payment-methods")).EnumerateArray().Select(method => method.GetProperty("id").GetString()));
        var limits = await shopper.Read("/limits");
        Assert.Equal(5_000, limits.GetProperty("daily").GetInt64());
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("weekly").ValueKind);
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("monthly").ValueKind);
        Assert.Equal(0, limits.GetProperty("pending").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("selfExcludedUntil").ValueKind);
        var daily = Assert.Single(limits.GetProperty("headroom").EnumerateArray());
        Assert.Equal(5_000, daily.GetProperty("remaining").GetInt64());
        Assert.Equal(0, (await shopper.Read("/payments")).GetProperty("data").GetArrayLength());
    }

    public static TheoryData<string, string, int, string, string[]> BadCheckouts => new()
    {
        { "a price sent by the device", """{"lines":[{"sku":"sku-1-eur-100","unitPrice":1,"quantity":1}]}""", 400, "/errors/malformed-json", [] },
        { "a name sent by the device", """{"lines":[{"sku":"sku-1-eur-100","name":"Free beans","quantity":1}]}""", 400, "/errors/malformed-json", [] },
        { "a currency sent by the device", """{"lines":[{"sku":"sku-1-eur-100","currency":"JPY","quantity":1}]}""", 400, "/errors/malformed-json", [] },
        { "zero quantity", Shopper.Lines(100, quantity: 0), 400, "/errors/validation", [] },
        { "a quantity that overflows an int", """{"lines":[{"sku":"sku-1-eur-100","quantity":99999999999}]}""", 400, "/errors/malformed-json", [] },
        { "a sku of the wrong shape", """{"lines":[{"sku":"no spaces","quantity":1}]}""", 400, "/errors/validation", [] },
        // The catalog may sell it later, so an unknown SKU is not kept under the key: nothing is written.
        { "a sku the catalog does not have", """{"lines":[{"sku":"never-sold","quantity":1}]}""", 422, "/errors/unknown-sku", [] },
        { "a sku the catalog no longer sells", """{"lines":[{"sku":"retired","quantity":1}]}""", 422, "/errors/unknown-sku", [] },
        { "total that overflows", Shopper.Lines(1_000_000_000_000_000, quantity: 999), 400, "/errors/validation", [] },
        { "no lines", """{"lines":[]}""", 400, "/errors/validation", [] },
        // A refusal that the customer's state decides (not the request's shape) is kept under its key for retries; nothing else is written.
        { "currency without a rate", Shopper.Lines(100, "THB"), 422, "/errors/unsupported-currency", ["request-answered-v1"] },
        { "unknown field", """{"lines":[],"coupon":"FREE"}""", 400, "/errors/malformed-json", [] },
        { "not an object", "[1,2]", 400, "/errors/malformed-json", [] },
    };

    [Theory]
    [MemberData(nameof(BadCheckouts))]
    public async Task Bad_checkouts_get_a_problem_and_change_nothing(string why, string body, int status, string type, string[] journaled)
    {
        var (shopper, card) = await StockedShopper();
        await shopper.LinesOf(100);
        await shopper.LinesOf(1_000_000_000_000_000);
        await shopper.LinesOf(100, "THB");
        await TestCatalog.Ensure(shopper.Merchant, "retired", "Retired mug", 500);
        await HttpAssert.Json(await shopper.Merchant.PutAsJsonAsync("/v1/catalog/retired",
            new { name = "Retired mug", unitPrice = 500, currency = "EUR", active = false }), HttpStatusCode.OK);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var problem = await Problem(await shopper.Post("/checkouts", body, Shopper.NewKey()), (HttpStatusCode)status, type);

        if (type == "/errors/unknown-sku")
        {
            Assert.Contains(problem.GetProperty("sku").GetString(), new[] { "never-sold", "retired" });
        }
        await AssertStillStocked(shopper, card, why);
        Assert.Equal(journaled, await journal.Added());
        Assert.Equal(0, await fixture.Stored.ChargesOf(shopper.Id));
    }

    [Fact]
    public async Task Checking_out_an_empty_cart_gets_409_and_stores_only_the_answer()
    {
        var shopper = await NewShopper();
        var card = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 5_000);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        await Problem(await shopper.Post("/checkouts", "{}", Shopper.NewKey()), HttpStatusCode.Conflict, "/errors/cart-empty");

        Assert.Equal(["request-answered-v1"], await journal.Added());
        var cart = await shopper.Read("/cart");
        Assert.Equal(0, cart.GetProperty("version").GetInt64());
        Assert.Equal(0, cart.GetProperty("lines").GetArrayLength());
        Assert.Equal([card], (await shopper.Read("/payment-methods")).EnumerateArray().Select(method => method.GetProperty("id").GetString()));
        Assert.Equal(5_000, (await shopper.Read("/limits")).GetProperty("headroom")[0].GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Confirming_with_an_unknown_method_or_checkout_and_bad_bodies_get_problems()
    {
        var shopper = await NewShopper();
        var checkoutId = await shopper.Checkout(1_000);

        await Problem(await shopper.Confirm(checkoutId, "pm_unknown"), HttpStatusCode.UnprocessableEntity, "/errors/payment-method-not-found");
        await Problem(await shopper.Confirm("chk_unknown", "pm_unknown"), HttpStatusCode.NotFound, "/errors/checkout-not-found");
        await Problem(await shopper.Post($"/checkouts/{checkoutId}/confirm", "{}", Shopper.NewKey()), HttpStatusCode.BadRequest, "/errors/validation");

        var wrongType = new HttpRequestMessage(HttpMethod.Post, $"{shopper.Base}/checkouts/{checkoutId}/confirm")
        {
            Content = new StringContent("paymentMethodId=pm_1", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        wrongType.Headers.Add("Idempotency-Key", Shopper.NewKey());
        await Problem(await shopper.Client.SendAsync(wrongType), HttpStatusCode.UnsupportedMediaType, "/errors/unsupported-media-type");

        var huge = JsonSerializer.Serialize(new { lines = Array.Empty<object>(), description = new string('x', 70_000) });
        await Problem(await shopper.Post("/checkouts", huge, Shopper.NewKey()), HttpStatusCode.RequestEntityTooLarge, "/errors/payload-too-large");
    }

    [Theory]
    [InlineData("""{"daily":-1}""", "daily")]
    [InlineData("""{"weekly":0}""", "weekly")]
    [InlineData("""{"monthly":1000000000000000001}""", "monthly")]
    public async Task Bad_caps_are_refused_naming_the_window(string body, string field)
    {
        var shopper = await NewShopper();

        var response = await shopper.Client.PutAsync($"{shopper.Base}/limits", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problem(response, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    public static TheoryData<string, string, string, int, string> BadRequests => new()
    {
        { "POST", "/payment-methods", """{"token":"4111 1111 1111 1111","brand":"visa","last4":"1111","expiryMonth":1,"expiryYear":2030,"billingCountry":"GB"}""", 400, "/errors/raw-card-number" },
        { "POST", "/payment-methods", """{"token":"tok_visa","brand":"visa","last4":"42","expiryMonth":1,"expiryYear":2030,"billingCountry":"GB"}""", 400, "/errors/validation" },
        { "POST", "/payment-methods", """{"token":"tok_visa","expiryMonth":"soon"}""", 400, "/errors/malformed-json" },
        { "PUT", "/limits", """{"daily":"lots"}""", 400, "/errors/malformed-json" },
        { "PUT", "/limits", """{"daily":100000000000000000000}""", 400, "/errors/malformed-json" },
        { "POST", "/self-exclusion", "{}", 400, "/errors/validation" },
        { "POST", "/self-exclusion", """{"until":"next week"}""", 400, "/errors/malformed-json" },
        { "POST", "/cart/items", """{"sku":"a","quantity":1}""", 428, "/errors/precondition-required" },
        // A device never sets a price: a cart line that still sends one is refused before anything reads it.
        { "POST", "/cart/items", """{"sku":"mug","unitPrice":1,"quantity":1}""", 400, "/errors/malformed-json" },
        { "POST", "/cart/items", """{"sku":"mug","name":"Mug","unitPrice":1,"currency":"EUR","quantity":1}""", 400, "/errors/malformed-json" },
        { "POST", "/payments/pay_x/refunds", """{"amount":-5}""", 403, "/errors/forbidden" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_to_every_endpoint_get_a_problem_and_change_nothing(string method, string path, string body, int status, string type)
    {
        var (shopper, card) = await StockedShopper();
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var response = await shopper.Client.SendAsync(Requests.Json(new HttpMethod(method), shopper.Base + path, body, Shopper.NewKey()));

        await Problem(response, (HttpStatusCode)status, type);
        await AssertStillStocked(shopper, card, $"{method} {path}");
        await journal.AssertUnchanged();
    }

    [Theory]
    [InlineData("""{"amount":-5}""", 400, "/errors/validation", new string[0])]
    [InlineData("""{"amount":0}""", 400, "/errors/validation", new string[0])]
    [InlineData("""{"amount":1e30}""", 400, "/errors/malformed-json", new string[0])]
    [InlineData("""{"amount":4001}""", 422, "/errors/refund-exceeds-captured", new[] { "request-answered-v1" })]
    public async Task Bad_refunds_get_a_problem_and_refund_nothing(string body, int status, string type, string[] journaled)
    {
        // Paid 5,000 under a daily cap of 10,000, and 1,000 of it refunded already: 4,000 can still be refunded.
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 10_000);
        var paymentId = await shopper.Pay(visa, 5_000);
        var refunds = shopper.As(await fixture.ClientAs("operator"));
        await Json(await refunds.Refund(paymentId, """{"amount":1000}"""), HttpStatusCode.Created);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        await Problem(await refunds.Refund(paymentId, body), (HttpStatusCode)status, type);

        Assert.Equal(journaled, await journal.Added());
        Assert.Equal(1_000, await fixture.Stored.RefundedSum(shopper.Id));
        Assert.Equal(1, await fixture.Stored.GatewayRefundsOf(paymentId));
        Assert.Equal(1_000, await fixture.Stored.GatewayRefundedOf(paymentId));
        var payment = Assert.Single((await shopper.Read("/payments")).GetProperty("data").EnumerateArray());
        Assert.Equal("partially_refunded", payment.GetProperty("status").GetString());
        Assert.Equal(1_000, payment.GetProperty("refundedAmount").GetInt64());
        Assert.Equal(5_000, (await shopper.Read("/limits")).GetProperty("headroom")[0].GetProperty("remaining").GetInt64());
    }
}
