using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// The app in the shopper's language, with money written for it; loyalty points earned and redeemed; and the
/// translation table, which must have every text in every language.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WebAppLanguageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Switching_to_German_changes_the_texts_and_the_money_and_survives_a_reload()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await page.GetByText("Add an item by its code").ClickAsync();
        await page.GetByLabel("Item code (SKU)").FillAsync("grinder");
        await page.GetByLabel("Quantity", new() { Exact = true }).FillAsync("26");
        await page.ClickAsync("#item-submit");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€1,274.00");
        await Expect(page.Locator("#cart-title")).ToHaveTextAsync("Cart");

        await page.GetByLabel("Read the app in").SelectOptionAsync("de");

        await Expect(page.Locator("#cart-title")).ToHaveTextAsync("Warenkorb");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("1.274,00\u00a0€");
        await Expect(page.Locator("#checkout-start")).ToHaveTextAsync("Zur Kasse");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(page.Locator("[data-testid=cap][data-window=daily]")).ToContainTextAsync("Täglich");
        Assert.Equal("de", (await shopper.Read("")).GetProperty("preferredLanguage").GetString());

        // The choice is the profile's: a reload, and another device, show German too.
        await page.ReloadAsync();
        await Expect(page.Locator("#profile")).ToHaveAttributeAsync("data-customer-id", shopper.Id);
        await Expect(page.Locator("#cart-title")).ToHaveTextAsync("Warenkorb");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("1.274,00\u00a0€");
        await Expect(page.Locator("#profile-language")).ToHaveTextAsync("Deutsch");
        await using var phone = await fixture.SignedIn(shopper.Id);
        await Expect(phone.Page.Locator("#privacy-title")).ToHaveTextAsync("Datenschutz-Center");

        await page.GetByLabel("App lesen auf").SelectOptionAsync("en");
        await Expect(page.Locator("#cart-title")).ToHaveTextAsync("Cart");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€1,274.00");
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task The_display_currency_chosen_in_the_profile_is_saved_and_the_summary_shows_amounts_in_it()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_visa", preferred: true);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await page.ClickAsync("#profile-edit");
        await page.GetByLabel("Show amounts for me in").SelectOptionAsync("JPY");
        await page.ClickAsync("#profile-save");
        await Expect(page.Locator("#profile-currency")).ToHaveTextAsync("Japanese Yen (JPY)");
        Assert.Equal("JPY", (await shopper.Read("")).GetProperty("homeCurrency").GetString());

        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "beans")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#checkout-total")).ToHaveTextAsync("€14.50");
        // 14.50 EUR at the test rate of 160 yen, with no minor units.
        await Expect(page.Locator("#checkout-display")).ToHaveTextAsync("In your currency: about ¥2,320");
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task Points_show_after_a_settled_payment_and_redeeming_them_lowers_the_amount_to_pay()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await shopper.SaveMethod("tok_visa", preferred: true, last4: "4242");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(page.Locator("#points-balance")).ToHaveTextAsync("0 points");

        await WebApp.AddProduct(page, "grinder");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "grinder")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#checkout-points")).ToContainTextAsync("This purchase earns 49 points when it is paid.");
        await Expect(page.Locator("#redeem-form")).ToBeHiddenAsync();
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#payment-result-earned")).ToHaveTextAsync("You earn 49 loyalty points with this payment.");
        await Expect(page.Locator("#points-balance")).ToHaveTextAsync("49 points");
        await page.ClickAsync("#payment-done");

        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "beans")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#checkout-total")).ToHaveTextAsync("€14.50");
        await Expect(page.Locator("#checkout-points")).ToContainTextAsync("You have 49 points.");
        await page.GetByLabel("Points to use (at most 49)").FillAsync("49");
        await page.ClickAsync("#redeem-submit");

        await Expect(page.Locator("#checkout-total")).ToHaveTextAsync("€14.01");
        await Expect(page.Locator("#checkout-points")).ToContainTextAsync("You pay 49 points towards this purchase: €0.49 off.");
        await Expect(page.Locator("#checkout-subtotal")).ToHaveTextAsync("Before discounts: €14.50");
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#payment-result-text")).ToHaveTextAsync("€14.01 was paid with Visa ending 4242.");
        // 49 earned, 49 spent, 14 earned by the 14.01 EUR just paid.
        await Expect(page.Locator("#points-balance")).ToHaveTextAsync("14 points");
        Assert.Equal(14, (await shopper.Read("/points")).GetProperty("balance").GetInt64());
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task Every_language_has_every_text_and_every_text_the_page_uses_is_in_the_table()
    {
        await using var device = await fixture.NewDevice();
        var page = device.Page;
        var keys = JsonSerializer.Deserialize<Dictionary<string, string[]>>(
            await page.EvaluateAsync<string>("import('/i18n.js').then((table) => JSON.stringify(table.keysByLanguage()))"))!;
        Assert.Equal(["de", "en"], keys.Keys.Order());
        var english = keys["en"].ToHashSet();
        Assert.True(english.Count > 300, $"only {english.Count} texts");
        foreach (var (language, texts) in keys)
        {
            Assert.Empty(english.Except(texts));
            Assert.Empty(texts.Except(english));
            Assert.Equal(texts.Length, texts.Distinct().Count());
            _ = language;
        }

        var script = await page.EvaluateAsync<string>(
            "Promise.all(['/app.js', '/handoff.js', '/cases.js'].map((path) => fetch(path).then((response) => response.text()))).then((texts) => texts.join('\\n'))");
        var html = await page.EvaluateAsync<string>("fetch('/').then((response) => response.text())");
        var used = UsedInScript().Matches(script).Select(match => match.Groups[1].Value)
            .Concat(UsedInPage().Matches(html).Select(match => match.Groups[1].Value))
            .ToHashSet();
        Assert.True(used.Count > 200, $"only {used.Count} texts found in use");
        Assert.Empty(used.Except(english));
    }

    [GeneratedRegex(@"\bt\('([^'`]+)'")]
    private static partial Regex UsedInScript();

    [GeneratedRegex(@"data-i18n(?:-[a-z-]+)?=""([^""]+)""")]
    private static partial Regex UsedInPage();
}
