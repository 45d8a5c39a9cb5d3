using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// The privacy centre and the "why am I seeing this" of a checkout: a switch per purpose with its history in words,
/// consent changed on another device shown live, and a withdrawal that the very next checkout summary obeys.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppPrivacyTests(BrowserFixture fixture)
{
    private static Microsoft.Playwright.ILocator Purpose(Microsoft.Playwright.IPage page, string purpose) =>
        page.Locator($"[data-testid=purpose][data-purpose={purpose}]");

    private static Microsoft.Playwright.ILocator Switch(Microsoft.Playwright.IPage page, string purpose) =>
        Purpose(page, purpose).Locator("[data-testid=consent-switch]");

    [Fact]
    public async Task The_privacy_centre_turns_a_purpose_on_and_off_and_its_history_says_when_and_where()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await Expect(page.Locator("[data-testid=purpose]")).ToHaveCountAsync(4);
        await Expect(Purpose(page, "personalization")).ToContainTextAsync("What it allows: ");
        await Expect(Purpose(page, "personalization")).ToContainTextAsync("Without it: ");
        await Expect(Switch(page, "personalization")).Not.ToBeCheckedAsync();
        await Expect(page.Locator("#privacy-history-empty")).ToBeVisibleAsync();

        await page.GetByLabel("Allow Personalization").CheckAsync();
        await Expect(Purpose(page, "personalization")).ToHaveAttributeAsync("data-granted", "true");
        var history = page.Locator("[data-testid=consent-change]");
        await Expect(history).ToHaveCountAsync(1);
        await Expect(history.First).ToContainTextAsync("Personalization turned on · Web, this device");
        await Expect(page.Locator("#privacy-history-empty")).ToBeHiddenAsync();
        var consents = await shopper.Read("/consents");
        var personalization = consents.GetProperty("consents")[0];
        Assert.Equal(("personalization", true, "2026-12", "web"), (personalization.GetProperty("purpose").GetString(),
            personalization.GetProperty("granted").GetBoolean(), personalization.GetProperty("policyVersion").GetString(),
            personalization.GetProperty("channel").GetString()));

        await page.GetByLabel("Allow Personalization").UncheckAsync();
        await Expect(Purpose(page, "personalization")).ToHaveAttributeAsync("data-granted", "false");
        await Expect(history).ToHaveCountAsync(2);
        await Expect(history.First).ToContainTextAsync("Personalization turned off · Web, this device");
        await Expect(Purpose(page, "personalization").Locator("[data-testid=consent-state]")).ToContainTextAsync("Off since");
        Assert.False((await shopper.Read("/consents")).GetProperty("consents")[0].GetProperty("granted").GetBoolean());
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task A_consent_changed_through_the_api_on_another_device_shows_live()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(Switch(page, "marketing")).Not.ToBeCheckedAsync();

        var phone = new HttpRequestMessage(HttpMethod.Put, $"{shopper.Base}/consents/marketing")
        {
            Content = JsonContent.Create(new { granted = true, policyVersion = "2026-12" }),
        };
        phone.Headers.Add("X-Device-Id", "phone-7");
        phone.Headers.Remove("X-Channel");
        phone.Headers.Add("X-Channel", "mobile");
        var answer = await shopper.Client.SendAsync(phone);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        await Expect(Switch(page, "marketing")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-testid=consent-change][data-purpose=marketing]")).ToContainTextAsync("Marketing turned on · Mobile app, another device");
        await Expect(page.Locator("[data-testid=activity][data-kind=consents]")).ToHaveCountAsync(1);
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task Withdrawing_personalization_in_the_app_makes_the_next_checkout_summary_say_it_is_not_personalized()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        await shopper.Pay(visa, 1_000);
        await HttpAssert.Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/consents/personalization",
            new { granted = true, policyVersion = "2026-12" }), HttpStatusCode.OK);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        // With consent, the summary says personalization shaped it, and why.
        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(page, "beans")).ToBeVisibleAsync();
        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#why-by")).ToBeHiddenAsync();
        await page.GetByText("Why am I seeing this?").ClickAsync();
        await Expect(page.Locator("#why-by")).ToHaveTextAsync("Shaped by what you agreed to: Personalization.");
        await Expect(page.Locator("[data-testid=why-reason][data-purpose=personalization]").First).ToBeVisibleAsync();
        await Expect(page.Locator("#why-privacy")).ToHaveAttributeAsync("href", "#privacy");
        await page.ClickAsync("#checkout-cancel");

        await page.GetByLabel("Allow Personalization").UncheckAsync();
        await Expect(page.Locator("[data-testid=consent-change]").First).ToContainTextAsync("Personalization turned off");

        await page.ClickAsync("#checkout-start");
        await page.GetByText("Why am I seeing this?").ClickAsync();
        await Expect(page.Locator("#why-by")).ToHaveTextAsync("Not personalized: none of your data shaped this summary.");
        await Expect(page.Locator("#checkout-why")).ToHaveAttributeAsync("data-personalized-by", "");
        await Expect(page.Locator("[data-testid=why-reason][data-choice=payment_methods]").First)
            .ToHaveTextAsync("Cards are listed with your preferred card first, then the most recently saved: personalization is off.");
        await Expect(page.Locator("[data-testid=why-reason][data-purpose=personalization]")).ToHaveCountAsync(0);
        Assert.Empty(device.Errors);
    }
}
