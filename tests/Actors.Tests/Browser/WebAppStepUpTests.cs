using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>The web app asks the customer to confirm it is them before a sensitive change, once, in one dialog.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppStepUpTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Adding_a_card_asks_for_the_code_shows_the_development_code_and_then_saves_the_card()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs, stepUp: false);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await page.GetByLabel("Add a sandbox card").SelectOptionAsync("tok_mastercard");
        await page.ClickAsync("#method-submit");
        var dialog = page.Locator("#account-stepup");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("We sent you a one-time code");
        Assert.Empty((await shopper.Read("/payment-methods")).EnumerateArray());

        // A wrong code first: the dialog says so and stays.
        var code = await StepUps.LatestCode(shopper.Merchant, shopper.Id);
        await dialog.GetByLabel("Code", new() { Exact = true }).FillAsync(code == "000000" ? "111111" : "000000");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(page.Locator("#account-stepup-error")).ToHaveTextAsync("That code was not right. Check it and try again.");
        Assert.Equal(code, await WebApp.ConfirmItIsYou(page));

        await Expect(page.Locator("[data-testid=method]")).ToHaveCountAsync(1);
        Assert.Equal("4444", Assert.Single((await shopper.Read("/payment-methods")).EnumerateArray()).GetProperty("last4").GetString());
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task Cancelling_the_dialog_saves_nothing_and_says_why()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs, stepUp: false);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await page.GetByLabel("Add a sandbox card").SelectOptionAsync("tok_visa");
        await page.ClickAsync("#method-submit");
        await page.Locator("#account-stepup").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(page.Locator("#alert")).ToContainTextAsync("This change needs you to confirm it is you first. Nothing was changed.");
        Assert.Empty((await shopper.Read("/payment-methods")).EnumerateArray());
        Assert.Empty(device.Errors);
    }
}
