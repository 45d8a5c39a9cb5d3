using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Reflection;
using System.Text.Json;
using Actors.Api.Live;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>The hub over real WebSockets: what one device or channel changes reaches the customer's other devices, numbered.</summary>
[Collection(ApiCollection.Name)]
public sealed class LiveUpdatesTests(ApiFixture fixture)
{
    private Task<Shopper> NewShopper() => Shopper.Create(fixture.ClientAs);

    [Fact]
    public async Task A_cart_edit_on_one_device_reaches_every_device_with_the_next_sequence_number()
    {
        var shopper = await NewShopper();
        await using var phone = await LiveDevice.Watching(shopper.Client);
        await using var laptop = await LiveDevice.Watching(shopper.Client);
        var synced = (await phone.WaitFor("Synced")).Sequence;

        await Json(await shopper.AddToCart("mug", 900, version: 0), HttpStatusCode.OK);

        foreach (var device in new[] { phone, laptop })
        {
            var change = await device.WaitFor("CartChanged");
            Assert.Equal(synced + 1, change.Sequence);
            Assert.Equal(shopper.Id, change.Payload.GetProperty("customerId").GetString());
            var cart = change.Payload.GetProperty("cart");
            Assert.Equal(1, cart.GetProperty("version").GetInt64());
            Assert.Equal("mug", cart.GetProperty("lines")[0].GetProperty("sku").GetString());
        }
    }

    [Fact]
    public async Task Two_devices_editing_one_cart_converge_and_the_stale_edit_gets_412_with_the_current_cart()
    {
        var shopper = await NewShopper();
        var tablet = await fixture.ClientAs("customer", shopper.Id);
        await using var phoneLive = await LiveDevice.Watching(shopper.Client);
        await using var tabletLive = await LiveDevice.Watching(tablet);

        // Both devices start from version 0; the tablet's edit lands second and must not silently overwrite the phone's.
        await Json(await shopper.AddToCart("mug", 900, version: 0), HttpStatusCode.OK);
        var stale = await Problem(await shopper.AddToCart("tea", 450, version: 0, through: tablet), HttpStatusCode.PreconditionFailed, "/errors/version-mismatch");
        var current = stale.GetProperty("cart");
        Assert.Equal(1, current.GetProperty("version").GetInt64());
        await Json(await shopper.AddToCart("tea", 450, current.GetProperty("version").GetInt64(), through: tablet), HttpStatusCode.OK);

        var server = await shopper.Read("/cart");
        foreach (var device in new[] { phoneLive, tabletLive })
        {
            var last = await device.WaitFor("CartChanged", payload => payload.GetProperty("cart").GetProperty("version").GetInt64() == 2);
            Assert.Equal(server.GetProperty("total").GetInt64(), last.Payload.GetProperty("cart").GetProperty("total").GetInt64());
            Assert.Equal(["mug", "tea"], last.Payload.GetProperty("cart").GetProperty("lines").EnumerateArray().Select(line => line.GetProperty("sku").GetString()).Order());
        }
    }

    [Fact]
    public async Task Payments_are_followed_live_from_checkout_to_success_and_refund()
    {
        var shopper = await NewShopper();
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.SetLimits(daily: 10_000);
        await using var device = await LiveDevice.Watching(shopper.Client);
        var synced = (await device.WaitFor("Synced")).Sequence;

        var checkoutId = await shopper.Checkout(2_500);
        var paymentId = (await Json(await shopper.Confirm(checkoutId, visa), HttpStatusCode.OK)).GetProperty("id").GetString()!;
        var refunds = shopper.As(await fixture.ClientAs("operator"));
        await Json(await refunds.Refund(paymentId, """{"amount":1000}"""), HttpStatusCode.Created);

        var refunded = await device.WaitFor("PaymentUpdated", payload => payload.GetProperty("change").GetString() == "refunded");
        Assert.Equal(1_000, refunded.Payload.GetProperty("payment").GetProperty("refundedAmount").GetInt64());
        var created = await device.WaitFor("CheckoutUpdated", payload => payload.GetProperty("change").GetString() == "created");
        Assert.Equal(checkoutId, created.Payload.GetProperty("checkout").GetProperty("id").GetString());
        var paid = await device.WaitFor("PaymentUpdated", payload => payload.GetProperty("change").GetString() == "succeeded");
        Assert.Equal(paymentId, paid.Payload.GetProperty("payment").GetProperty("id").GetString());
        Assert.False(paid.Payload.GetProperty("payment").TryGetProperty("token", out _));
        var spent = await device.WaitFor("LimitsChanged", payload => payload.GetProperty("change").GetString() == "spent");
        Assert.Equal(7_500, spent.Payload.GetProperty("limits").GetProperty("headroom")[0].GetProperty("remaining").GetInt64());

        // Nothing was skipped: after Synced, every number arrived once, in order.
        var numbers = device.Messages.Where(message => message.Method != "Synced").Select(message => message.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(step => synced + step), numbers);
    }

    [Fact]
    public async Task A_decline_and_a_step_up_reach_devices_as_they_happen()
    {
        var shopper = await NewShopper();
        var declining = await shopper.SaveMethod("tok_chargeDeclined");
        var stepUp = await shopper.SaveMethod("tok_stepUpRequired");
        await using var device = await LiveDevice.Watching(shopper.Client);

        var checkoutId = await shopper.Checkout(900);
        await Json(await shopper.Confirm(checkoutId, declining), HttpStatusCode.OK);
        await Json(await shopper.Confirm(checkoutId, stepUp), HttpStatusCode.OK);
        await Json(await shopper.Confirm(checkoutId, stepUp, stepUpCode: "123456"), HttpStatusCode.OK);

        var changes = new List<string>();
        foreach (var expected in new[] { "declined", "requires_action", "succeeded" })
        {
            var update = await device.WaitFor("PaymentUpdated", p => p.GetProperty("change").GetString() == expected);
            changes.Add(update.Payload.GetProperty("payment").GetProperty("status").GetString()!);
        }
        Assert.Equal(["declined", "requires_action", "succeeded"], changes);
        var waiting = await device.WaitFor("CheckoutUpdated", p => p.GetProperty("checkout").GetProperty("status").GetString() == "requires_action");
        Assert.Equal(checkoutId, waiting.Payload.GetProperty("checkout").GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_payment_the_gateway_left_open_is_announced_again_when_reconciliation_settles_it()
    {
        var shopper = await NewShopper();
        var card = await shopper.SaveMethod("tok_timeout");
        await using var device = await LiveDevice.Watching(shopper.Client);

        var checkoutId = await shopper.Checkout(1_200);
        var payment = await Json(await shopper.Confirm(checkoutId, card), HttpStatusCode.Accepted);
        var paymentId = payment.GetProperty("id").GetString()!;

        await device.WaitFor("PaymentUpdated", p => p.GetProperty("change").GetString() == "processing");
        var settled = await device.WaitFor("PaymentUpdated",
            p => p.GetProperty("change").GetString() == "succeeded" && p.GetProperty("payment").GetProperty("id").GetString() == paymentId,
            within: TimeSpan.FromSeconds(60));
        Assert.Equal(1_200, settled.Payload.GetProperty("payment").GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task Limits_methods_profile_and_self_exclusion_changes_are_announced()
    {
        var shopper = await NewShopper();
        await using var device = await LiveDevice.Watching(shopper.Client);

        await shopper.SetLimits(daily: 5_000);
        await shopper.SaveMethod("tok_mastercard", last4: "4444");
        await Json(await shopper.Client.SendAsync(Requests.MergePatch(shopper.Base, """{"displayName":"Grace B. Hopper"}""", version: 1)), HttpStatusCode.OK);
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/self-exclusion", new { until = DateTimeOffset.UtcNow.AddDays(30) }), HttpStatusCode.OK);

        var updated = await device.WaitFor("LimitsChanged", p => p.GetProperty("change").GetString() == "updated");
        Assert.Equal(5_000, updated.Payload.GetProperty("limits").GetProperty("daily").GetInt64());
        var methods = await device.WaitFor("PaymentMethodsChanged");
        Assert.Equal("4444", methods.Payload.GetProperty("paymentMethods")[0].GetProperty("last4").GetString());
        var profile = await device.WaitFor("ProfileChanged");
        Assert.Equal("Grace B. Hopper", profile.Payload.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Matches(@"^grace\.[0-9]+@example\.com$", profile.Payload.GetProperty("profile").GetProperty("email").GetString());
        var excluded = await device.WaitFor("LimitsChanged", p => p.GetProperty("change").GetString() == "self_excluded");
        Assert.NotEqual(JsonValueKind.Null, excluded.Payload.GetProperty("limits").GetProperty("selfExcludedUntil").ValueKind);
    }

    [Fact]
    public async Task Support_watches_a_customer_with_personal_data_masked()
    {
        var shopper = await NewShopper();
        await using var watcher = await LiveDevice.Watching(await fixture.ClientAs("support"), shopper.Id);

        await Json(await shopper.Client.SendAsync(Requests.MergePatch(shopper.Base, """{"email":"grace.hopper@example.com"}""", version: 1)), HttpStatusCode.OK);

        var profile = (await watcher.WaitFor("ProfileChanged")).Payload.GetProperty("profile");
        Assert.Equal("g***@example.com", profile.GetProperty("email").GetString());
    }

    [Fact]
    public void The_hub_declares_no_method_a_client_could_invoke()
    {
        // What SignalR offers clients: public instance methods of the hub not inherited from Hub or object.
        var invocable = typeof(CustomerHub).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(method => !method.IsSpecialName)
            .Where(method => method.GetBaseDefinition().DeclaringType is var declaredBy && declaredBy != typeof(Hub) && declaredBy != typeof(object))
            .Select(method => method.Name);

        Assert.Empty(invocable);
    }

    public static TheoryData<string, object?[]> Attempts => new()
    {
        { "AddToCart", ["mug"] },
        { "PutCartLine", [0, new { sku = "mug", name = "Mug", unitPrice = 1, currency = "EUR", quantity = 1 }] },
        { "UpdateProfile", [1, new { displayName = "Mallory" }] },
        { "SetLimits", [new { daily = 1_000_000 }] },
        { "OnConnectedAsync", [] },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task What_a_device_or_support_invokes_on_the_hub_is_refused_and_changes_nothing(string method, object?[] arguments)
    {
        var shopper = await NewShopper();
        await using var phone = await LiveDevice.Watching(shopper.Client);
        await using var support = await LiveDevice.Watching(await fixture.ClientAs("support"), shopper.Id);
        var journal = await JournalMark.Take(fixture.Stored, shopper.Id);

        var byPhone = await Assert.ThrowsAsync<HubException>(() => phone.Connection.InvokeCoreAsync(method, typeof(object), arguments));
        var bySupport = await Assert.ThrowsAsync<HubException>(() => support.Connection.InvokeCoreAsync(method, typeof(object), arguments));

        Assert.Contains("Method does not exist", byPhone.Message);
        Assert.Contains("Method does not exist", bySupport.Message);
        var profile = await shopper.Read("");
        Assert.Equal(1, profile.GetProperty("version").GetInt64());
        Assert.Equal("Grace Hopper", profile.GetProperty("displayName").GetString());
        var cart = await shopper.Read("/cart");
        Assert.Equal(0, cart.GetProperty("version").GetInt64());
        Assert.Equal(0, cart.GetProperty("lines").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, (await shopper.Read("/limits")).GetProperty("daily").ValueKind);
        await journal.AssertUnchanged();
        Assert.Equal(["Synced"], phone.Messages.Select(message => message.Method));
    }

    [Fact]
    public async Task A_customer_cannot_watch_anyone_else_and_nobody_watches_without_a_token()
    {
        var shopper = await NewShopper();
        var other = await NewShopper();

        await using var intruder = await LiveDevice.Connect(shopper.Client, other.Id);
        await using var supportWithoutCustomer = await LiveDevice.Connect(await fixture.ClientAs("support"));
        await using var nobody = await LiveDevice.Connect(await fixture.ClientAs("operator"), "cus_" + new string('a', 20));

        foreach (var refused in new[] { intruder, supportWithoutCustomer, nobody })
        {
            var error = await refused.Closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Contains("No such customer", error?.Message);
            Assert.Empty(refused.Messages);
        }
        var anonymous = await Assert.ThrowsAsync<WebSocketException>(() => LiveDevice.Connect(shopper.Client.BaseAddress!, "not-a-token"));
        Assert.Contains("'401'", anonymous.Message);
    }
}
