using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// The web app as a shopper uses it: every button of the cart, step-up with a wrong code first, progress while the
/// bank thinks, receipts, editing the profile, removing a card with undo, the preferred card, devices, and words
/// instead of codes everywhere. Each test clicks what a shopper clicks, so a broken button fails it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppShopperTests(BrowserFixture fixture)
{
    private static ILocator Quantity(IPage page, string sku) => WebApp.CartLine(page, sku).Locator("[data-testid=cart-line-quantity]");

    [Fact]
    public async Task Every_cart_button_changes_the_shared_cart_without_an_error()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await WebApp.AddProduct(page, "beans");
        await Expect(Quantity(page, "beans")).ToHaveTextAsync("1");
        await WebApp.CartLine(page, "beans").Locator("[data-testid=cart-line-increase]").ClickAsync();
        await Expect(Quantity(page, "beans")).ToHaveTextAsync("2");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€29.00");
        await WebApp.ExpectCartVersion(page, 2);
        await WebApp.CartLine(page, "beans").Locator("[data-testid=cart-line-decrease]").ClickAsync();
        await Expect(Quantity(page, "beans")).ToHaveTextAsync("1");
        await WebApp.ExpectCartVersion(page, 3);

        // Another item through the form, then removed with its own button.
        await page.GetByText("Add an item by its code").ClickAsync();
        await page.GetByLabel("Item code (SKU)").FillAsync("mug");
        await page.GetByLabel("Quantity", new() { Exact = true }).FillAsync("2");
        await page.ClickAsync("#item-submit");
        await Expect(Quantity(page, "mug")).ToHaveTextAsync("2");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€32.48");
        await WebApp.CartLine(page, "mug").Locator("[data-testid=cart-line-remove]").ClickAsync();
        await Expect(WebApp.CartLine(page, "mug")).ToHaveCountAsync(0);

        // − on the last one takes the line away.
        await WebApp.CartLine(page, "beans").Locator("[data-testid=cart-line-decrease]").ClickAsync();
        await Expect(page.Locator("#cart-empty")).ToBeVisibleAsync();
        await WebApp.ExpectCartVersion(page, 6);
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(page.Locator("#alert")).ToBeHiddenAsync();
        var cart = await shopper.Read("/cart");
        Assert.Equal((6, 0), (cart.GetProperty("version").GetInt64(), cart.GetProperty("lines").GetArrayLength()));
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task An_error_banner_says_what_to_do_can_be_dismissed_and_goes_away_when_the_next_change_succeeds()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        var alert = page.Locator("#alert");

        await page.GetByText("Change caps").ClickAsync();
        await page.GetByLabel("Daily cap").FillAsync("lots");
        await page.ClickAsync("#limits-submit");
        await Expect(alert).ToContainTextAsync("Daily cap: enter an amount in EUR, e.g. 50.00.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(alert).ToBeHiddenAsync();

        await page.ClickAsync("#limits-submit");
        await Expect(alert).ToBeVisibleAsync();
        await page.GetByLabel("Daily cap").FillAsync("50");
        await page.ClickAsync("#limits-submit");

        await Expect(alert).ToBeHiddenAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Caps saved.");
        await Expect(page.Locator("[data-testid=cap][data-window=daily]")).ToContainTextAsync("€50.00 left of €50.00");
    }

    [Fact]
    public async Task A_wrong_step_up_code_asks_again_with_the_tries_left_and_the_right_one_pays()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_stepUpRequired", preferred: true, last4: "3155");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await WebApp.AddProduct(page, "mug");
        await Expect(WebApp.CartLine(page, "mug")).ToBeVisibleAsync();
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await page.ClickAsync("#checkout-start");
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "requires_action");
        await Expect(page.Locator("#payment-result-status")).ToHaveTextAsync("Waiting for your one-time code");

        await page.GetByLabel("One-time code").FillAsync("000000");
        await page.ClickAsync("#stepup-submit");

        await Expect(page.Locator("#stepup-error")).ToHaveTextAsync("That code was not right. You can try 2 more times. Check the code and enter it again.");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "requires_action");
        await Expect(page.GetByLabel("One-time code")).ToBeFocusedAsync();
        await WebApp.AssertNoRawCodes(page);

        await page.GetByLabel("One-time code").FillAsync("123456");
        await page.GetByLabel("One-time code").PressAsync("Enter");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#payment-result-status")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("#stepup")).ToBeHiddenAsync();
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task While_the_bank_thinks_the_confirm_button_shows_progress_and_cannot_be_pressed_again()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "beans")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");

        // The bank keeps the charge until the test lets it go: the page shows that it is waiting meanwhile.
        using (var hold = fixture.Api.Gateway.Hold(shopper.Id))
        {
            await page.ClickAsync("#checkout-confirm");
            await hold.Reached;
            var confirm = page.Locator("#checkout-confirm");
            await Expect(confirm).ToHaveAttributeAsync("aria-busy", "true");
            await Expect(confirm).ToBeDisabledAsync();
            await Expect(confirm).ToHaveTextAsync("Paying: waiting for your bank…");
            await Expect(page.Locator("#checkout")).ToHaveAttributeAsync("aria-busy", "true");
            hold.Release();
        }

        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#checkout")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(page.Locator("#checkout-confirm")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(page.Locator("#checkout-confirm")).ToHaveTextAsync("Confirm and pay");
        // The success is on screen, not only read out.
        await Expect(page.Locator("#notice")).ToBeVisibleAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Payment: Paid.");
        await WebApp.AssertNoRawCodes(page);
    }

    [Fact]
    public async Task A_receipt_opens_from_the_payment_list_in_plain_words()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        var paymentId = await shopper.Pay(visa, await shopper.CheckoutBody("EUR", "Green tea", ("tea", "Green tea", 725, 2)));
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        var open = WebApp.PaymentRow(page, paymentId).Locator("[data-testid=payment-receipt]");
        await open.ClickAsync();

        var receipt = page.Locator("#receipt");
        await Expect(receipt).ToBeVisibleAsync();
        await Expect(page.Locator("#receipt-title")).ToBeFocusedAsync();
        await Expect(page.Locator("#receipt-amount")).ToHaveTextAsync("€14.50");
        await Expect(page.Locator("#receipt-status")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("#receipt-description")).ToHaveTextAsync("Green tea");
        await Expect(page.Locator("#receipt-card")).ToHaveTextAsync("Visa ending 4242");
        await Expect(page.Locator("#receipt-channel")).ToHaveTextAsync("Web");
        await Expect(page.Locator("[data-testid=receipt-event]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=receipt-event]").Nth(0)).ToContainTextAsync("Amount reserved: €14.50");
        await Expect(page.Locator("[data-testid=receipt-event]").Nth(1)).ToContainTextAsync("Paid: €14.50");
        await WebApp.AssertNoRawCodes(page);

        await page.ClickAsync("#receipt-close");
        await Expect(receipt).ToBeHiddenAsync();
        await Expect(open).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_profile_is_edited_with_field_errors_beside_their_fields()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await page.ClickAsync("#profile-edit");
        await Expect(page.Locator("#profile-edit-name")).ToBeFocusedAsync();
        await page.GetByLabel("Email").FillAsync("not an address");
        await page.ClickAsync("#profile-save");
        await Expect(page.Locator("#profile-edit-email-error")).ToHaveTextAsync("Email is not a valid email address.");
        await Expect(page.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(1, (await shopper.Read("")).GetProperty("version").GetInt64());

        await page.Locator("#profile-edit-name").FillAsync("Grace B. Hopper");
        await page.GetByLabel("Email").FillAsync("grace@example.org");
        await page.GetByLabel("Phone").FillAsync("+44 20 7946 0000");
        await page.GetByLabel("Language").SelectOptionAsync("fr");
        await page.GetByLabel("Time zone").SelectOptionAsync("Asia/Tokyo");
        await page.ClickAsync("#profile-save");
        // A new email and phone: the customer confirms it is them first.
        await WebApp.ConfirmItIsYou(page);

        await Expect(page.Locator("#notice")).ToContainTextAsync("Profile saved.");
        await Expect(page.Locator("#profile-name")).ToHaveTextAsync("Grace B. Hopper");
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync("grace@example.org");
        await Expect(page.Locator("#profile-phone")).ToHaveTextAsync("+442079460000");
        await Expect(page.Locator("#profile-language")).ToHaveTextAsync("Français");
        await Expect(page.Locator("#profile-timezone")).ToHaveTextAsync("Asia/Tokyo");
        await Expect(page.Locator("#profile-edit")).ToBeFocusedAsync();
        var profile = await shopper.Read("");
        Assert.Equal(("Grace B. Hopper", "grace@example.org", "+442079460000", "fr", "Asia/Tokyo", 2L),
            (profile.GetProperty("displayName").GetString(), profile.GetProperty("email").GetString(), profile.GetProperty("phone").GetString(),
                profile.GetProperty("preferredLanguage").GetString(), profile.GetProperty("timeZone").GetString(), profile.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task A_profile_changed_elsewhere_while_editing_is_shown_and_saving_again_applies_the_change()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await page.ClickAsync("#profile-edit");
        await page.GetByLabel("Phone").FillAsync("+4930901820");

        // Another device renames the customer meanwhile.
        var rename = new HttpRequestMessage(HttpMethod.Patch, shopper.Base) { Content = JsonContent.Create(new { displayName = "Amazing Grace" }) };
        rename.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await shopper.Client.SendAsync(rename)).StatusCode);
        await page.ClickAsync("#profile-save");

        var conflict = page.Locator("#profile-conflict");
        await Expect(conflict).ToContainTextAsync("changed on another device");
        await Expect(conflict).ToContainTextAsync("Amazing Grace");
        await Expect(page.GetByLabel("Phone")).ToHaveValueAsync("+4930901820");
        await page.ClickAsync("#profile-save");
        // A new phone: the customer confirms it is them first.
        await WebApp.ConfirmItIsYou(page);

        await Expect(page.Locator("#profile-phone")).ToHaveTextAsync("+4930901820");
        await Expect(page.Locator("#profile-name")).ToHaveTextAsync("Amazing Grace");
        var profile = await shopper.Read("");
        Assert.Equal(("Amazing Grace", "+4930901820", 3L),
            (profile.GetProperty("displayName").GetString(), profile.GetProperty("phone").GetString(), profile.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Removing_a_card_asks_first_and_undo_saves_it_again()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await WebApp.Method(page, visa).Locator("[data-testid=method-remove]").ClickAsync();
        await Expect(WebApp.Method(page, visa)).ToContainTextAsync("Remove Visa ending 4242?");
        await WebApp.Method(page, visa).Locator("[data-testid=method-remove-cancel]").ClickAsync();
        await Expect(WebApp.Method(page, visa).Locator("[data-testid=method-remove-confirm]")).ToHaveCountAsync(0);
        Assert.Equal(2, (await shopper.Read("/payment-methods")).GetArrayLength());

        await WebApp.Method(page, visa).Locator("[data-testid=method-remove]").ClickAsync();
        await WebApp.Method(page, visa).Locator("[data-testid=method-remove-confirm]").ClickAsync();
        await Expect(WebApp.Method(page, visa)).ToHaveCountAsync(0);
        await Expect(page.Locator("#method-undo")).ToContainTextAsync("Removed Visa ending 4242.");
        Assert.Equal(1, (await shopper.Read("/payment-methods")).GetArrayLength());

        await page.ClickAsync("#method-undo-button");
        // Saving the card again is saving a card: the customer confirms it is them first.
        await WebApp.ConfirmItIsYou(page);

        await Expect(page.Locator("#method-undo")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-testid=method]")).ToHaveCountAsync(2);
        var restored = page.Locator("[data-testid=method]").Filter(new() { HasText = "Visa ending 4242" });
        await Expect(restored).ToHaveAttributeAsync("data-preferred", "true");
        var saved = (await shopper.Read("/payment-methods"))[0];
        Assert.Equal(("4242", true), (saved.GetProperty("last4").GetString(), saved.GetProperty("preferred").GetBoolean()));
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task The_shopper_chooses_the_preferred_card_and_checkout_offers_it_first()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        var mastercard = await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(WebApp.Method(page, mastercard).Locator("[data-testid=method-preferred]")).ToHaveCountAsync(0);

        await WebApp.Method(page, mastercard).Locator("[data-testid=method-prefer]").ClickAsync();

        await Expect(WebApp.Method(page, mastercard)).ToHaveAttributeAsync("data-preferred", "true");
        await Expect(WebApp.Method(page, visa)).ToHaveAttributeAsync("data-preferred", "false");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Mastercard ending 4444 is now your preferred card.");
        await WebApp.AddProduct(page, "mug");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "mug")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator($"#method-{mastercard}")).ToBeCheckedAsync();
        var methods = (await shopper.Read("/payment-methods")).EnumerateArray().Select(method => (method.GetProperty("id").GetString(), method.GetProperty("preferred").GetBoolean()));
        Assert.Equal([(mastercard, true), (visa, false)], methods);
    }

    [Fact]
    public async Task The_devices_list_names_each_device_and_channel_in_words()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        var devices = page.Locator("[data-testid=device]");
        await Expect(devices.Filter(new() { HasText = "this device" })).ToHaveCountAsync(1);
        await Expect(devices.Filter(new() { HasText = "this device" })).ToContainTextAsync("Web browser");
        await Expect(devices.Filter(new() { HasText = "this device" })).ToContainTextAsync("· Web");
        await page.ClickAsync("#devices-refresh");
        await Expect(page.Locator("#notice")).ToContainTextAsync("listed.");
        await Expect(devices.Filter(new() { HasText = "this device" })).ToHaveCountAsync(1);
        await WebApp.AssertNoRawCodes(page);
    }
}
