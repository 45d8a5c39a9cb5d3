using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>The store till page and the customer's phone side by side, each in its own browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PosTillTests(BrowserFixture fixture)
{
    private async Task<(Shopper Shopper, string Card)> CardHolder(string token)
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var card = Shopper.NewLoyaltyCard();
        await HttpAssert.Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        await shopper.SaveMethod(token, preferred: true, last4: "3155");
        return (shopper, card);
    }

    private async Task<Device> Till()
    {
        var till = await fixture.NewDevice();
        await till.Page.GotoAsync("/pos.html");
        await Expect(till.Page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return till;
    }

    [Fact]
    public async Task A_till_hands_the_sale_to_the_phone_which_pays_it_with_step_up_and_the_till_sees_it_paid()
    {
        var (shopper, card) = await CardHolder("tok_stepUpRequired");
        await using var phone = await fixture.SignedIn(shopper.Id);
        await using var till = await Till();

        await till.Page.GetByLabel("Loyalty card number").FillAsync(card);
        await till.Page.Locator("[data-testid=till-item][data-sku=beans] input").FillAsync("2");
        await Expect(till.Page.Locator("#sale-total")).ToHaveTextAsync("€29.00");
        await till.Page.GetByLabel("On the customer's phone").CheckAsync();
        await till.Page.GetByRole(AriaRole.Button, new() { Name = "Start sale" }).ClickAsync();
        await Expect(till.Page.Locator("#outcome")).ToHaveAttributeAsync("data-status", "waiting");
        await Expect(till.Page.Locator("#outcome-status")).ToHaveTextAsync("Waiting for the customer to pay on their phone…");

        var offer = phone.Page.Locator("#handoff");
        await Expect(offer).ToBeVisibleAsync();
        await Expect(phone.Page.Locator("#handoff-text")).ToContainTextAsync("€29.00");
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Review and pay" }).ClickAsync();
        await Expect(offer).ToBeHiddenAsync();
        await Expect(phone.Page.Locator("#checkout-total")).ToHaveTextAsync("€29.00");
        await phone.Page.ClickAsync("#checkout-confirm");
        await Expect(phone.Page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "requires_action");
        await Expect(till.Page.Locator("#outcome")).ToHaveAttributeAsync("data-status", "requires_action");
        // The code is the customer's to give on their phone: the till does not ask for it.
        await Expect(till.Page.Locator("#till-stepup")).ToBeHiddenAsync();
        await phone.Page.GetByLabel("One-time code").FillAsync("123456");
        await phone.Page.GetByLabel("One-time code").PressAsync("Enter");

        await Expect(phone.Page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(till.Page.Locator("#outcome")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(till.Page.Locator("#outcome-text")).ToContainTextAsync("€29.00 with Visa ending 3155");
        var history = (await shopper.Read("/payments")).GetProperty("data");
        Assert.Equal("pos", Assert.Single(history.EnumerateArray()).GetProperty("channel").GetString());
        await WebApp.AssertNoRawCodes(phone.Page);
        await WebApp.AssertNoRawCodes(till.Page);
        Assert.Empty(phone.Errors);
        Assert.Empty(till.Errors);
    }

    [Fact]
    public async Task A_till_sells_at_the_till_with_the_preferred_card_and_asks_for_the_code_there_and_words_refusals()
    {
        var (shopper, card) = await CardHolder("tok_stepUpRequired");
        await using var till = await Till();
        var page = till.Page;

        await page.GetByLabel("Loyalty card number").FillAsync(Shopper.NewLoyaltyCard());
        await page.Locator("[data-testid=till-item][data-sku=mug] input").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start sale" }).ClickAsync();
        await Expect(page.Locator("#till-alert-text")).ToContainTextAsync("not registered");

        await page.GetByLabel("Loyalty card number").FillAsync(card);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start sale" }).ClickAsync();
        await Expect(page.Locator("#outcome")).ToHaveAttributeAsync("data-status", "requires_action");
        await page.GetByLabel("Code from the customer's bank").FillAsync("123456");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the code" }).ClickAsync();
        await Expect(page.Locator("#outcome")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("#outcome-text")).ToContainTextAsync("€8.99");

        await page.GetByRole(AriaRole.Button, new() { Name = "Next customer" }).ClickAsync();
        await Expect(page.Locator("#sale")).ToBeVisibleAsync();
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(till.Errors);
    }
}
