using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>The web app on one device: sign-in, money formatting, step-up, caps, history, CSV, and a phone-sized screen.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Signing_in_as_an_unknown_customer_says_so()
    {
        await using var device = await fixture.NewDevice();
        await device.Page.GetByLabel("Customer id").FillAsync("cus_00000000000000000000");
        await device.Page.ClickAsync("#signin-submit");

        await Expect(device.Page.Locator("#alert")).ToContainTextAsync("There is no customer cus_00000000000000000000");
        await Expect(device.Page.Locator("#app")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_demo_customer_in_yen_gets_cards_and_caps_and_amounts_without_decimals()
    {
        await using var device = await fixture.NewDevice();
        var page = device.Page;
        await page.GetByLabel("Home currency").SelectOptionAsync("JPY");
        await page.ClickAsync("#demo-submit");

        await Expect(page.Locator("#profile-currency")).ToHaveTextAsync("Japanese Yen (JPY)");
        await Expect(page.Locator("#profile")).ToHaveAttributeAsync("data-customer-id", new Regex("^cus_"));
        await Expect(page.Locator("[data-testid=method]")).ToHaveCountAsync(4);
        // The caps are scaled like the prices, so a yen customer can buy the demo's products.
        await Expect(page.Locator("[data-testid=cap][data-window=daily]")).ToContainTextAsync("¥20,000 left of ¥20,000");

        // Prices are the catalog's, in the item's own currency, whatever the customer's home currency.
        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€14.50");

        // And the yen customer can buy it, within the daily cap: 14.50 EUR counts as 2,320 JPY at the test rate of 160.
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("[data-testid=headroom][data-window=daily]")).ToContainTextAsync("¥17,680 after this payment");
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#payment-result-text")).ToHaveTextAsync("€14.50 was paid with Visa ending 4242.");
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task A_payment_that_asks_for_step_up_succeeds_with_the_code()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_stepUpRequired", preferred: true);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await WebApp.AddProduct(page, "mug");
        await Expect(WebApp.CartLine(page, "mug")).ToBeVisibleAsync();
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#checkout-total")).ToHaveTextAsync("€8.99");
        await page.ClickAsync("#checkout-confirm");

        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "requires_action");
        await page.GetByLabel("One-time code").FillAsync("123456");
        await page.GetByLabel("One-time code").PressAsync("Enter");

        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        var paymentId = await page.Locator("#payment-result").GetAttributeAsync("data-payment-id");
        await Expect(page.Locator($"[data-testid=payment-row][data-id={paymentId}] [data-testid=payment-status]")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("#cart-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_declined_card_says_so_and_another_method_can_pay_the_same_checkout()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var declined = await shopper.SaveMethod("tok_chargeDeclined", preferred: true);
        var visa = await shopper.SaveMethod("tok_visa");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "beans")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator($"#method-{declined}")).ToBeCheckedAsync();
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "declined");
        await Expect(page.Locator("#payment-result-text")).ToHaveTextAsync(
            "Visa ending 4242 was declined: your bank declined the card. Nothing was charged. Choose another card and confirm again.");
        await WebApp.AssertNoRawCodes(page);

        await page.CheckAsync($"#method-{visa}");
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
    }

    [Fact]
    public async Task Raising_a_cap_is_listed_as_pending_with_when_it_applies()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SetLimits(daily: 5_000);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(page.Locator("[data-testid=cap][data-window=daily]")).ToContainTextAsync("€50.00 left of €50.00");

        await page.GetByText("Change caps").ClickAsync();
        await page.GetByLabel("Daily cap").FillAsync("80");
        await page.GetByLabel("Weekly cap").FillAsync("40,50");
        await page.ClickAsync("#limits-submit");
        await WebApp.ConfirmItIsYou(page);

        // The lower weekly cap applies now; the higher daily one waits out the cooling-off.
        await Expect(page.Locator("[data-testid=cap][data-window=weekly]")).ToContainTextAsync("€40.50 left of €40.50");
        await Expect(page.Locator("[data-testid=cap][data-window=daily]")).ToContainTextAsync("€50.00 left of €50.00");
        var pending = page.Locator("[data-testid=pending-cap][data-window=daily]");
        await Expect(pending).ToContainTextAsync("€80.00 from");
        var effectiveAt = await pending.Locator("time").GetAttributeAsync("datetime");
        Assert.True(DateTimeOffset.Parse(effectiveAt!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
    }

    [Fact]
    public async Task Payment_history_is_searched_and_downloaded_as_csv()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        var coffee = await shopper.Pay(visa, await shopper.CheckoutBody("EUR", "Coffee beans", ("sku-1", "Coffee beans", 1_450, 1)));
        var tea = await shopper.Pay(visa, await shopper.CheckoutBody("EUR", "Green tea", ("sku-1", "Green tea", 725, 1)));
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(page.Locator("[data-testid=payment-row]")).ToHaveCountAsync(2);

        await page.GetByLabel("Description contains").FillAsync("tea");
        await page.ClickAsync("#search-submit");
        await Expect(page.Locator("[data-testid=payment-row]")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-testid=payment-row][data-id={tea}]")).ToContainTextAsync("€7.25");

        await Expect(page.Locator($"[data-testid=payment-row][data-id={tea}] [data-testid=payment-status]")).ToHaveTextAsync("Paid");
        await WebApp.AssertNoRawCodes(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#payments-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("Id,Status,Created at,Amount,Currency,Amount in minor units,", csv);
        // The same word for the status as the list shows, and the amount as the euro writes it.
        Assert.Contains($"{tea},Paid,", csv);
        Assert.Contains(",7.25,EUR,725,", csv);
        Assert.DoesNotContain(coffee, csv);

        await page.ClickAsync("#search-reset");
        await Expect(page.Locator("[data-testid=payment-row]")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task On_a_375px_phone_nothing_scrolls_sideways_every_field_is_labelled_and_the_keyboard_adds_items()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_visa", preferred: true);
        await shopper.SetLimits(daily: 100_000, weekly: 200_000, monthly: 500_000);
        await using var device = await fixture.SignedIn(shopper.Id, width: 375, height: 812);
        var page = device.Page;

        var add = page.Locator("[data-testid=add-product][data-sku=grinder]");
        await add.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(WebApp.CartLine(page, "grinder")).ToBeVisibleAsync();
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();

        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.Equal(0, overflow);
        var unlabelled = await page.EvaluateAsync<string[]>("""
            [...document.querySelectorAll('input, select, textarea')]
              .filter((field) => field.labels.length === 0 && !field.getAttribute('aria-label'))
              .map((field) => field.id || field.name)
            """);
        Assert.Empty(unlabelled);
    }
}
