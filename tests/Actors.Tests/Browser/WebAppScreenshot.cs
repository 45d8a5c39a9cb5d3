using Actors.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// A customer with a cart, caps with a raise waiting, cards and payments, as the README's screenshot shows them.
/// The picture goes to the test output; with <c>ACTORS_WEB_SCREENSHOT=1</c> it replaces <c>docs/web-app.png</c>:
/// <c>ACTORS_WEB_SCREENSHOT=1 dotnet test --filter "FullyQualifiedName~WebAppScreenshot"</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppScreenshot(BrowserFixture fixture)
{
    public const string Switch = "ACTORS_WEB_SCREENSHOT";

    [Fact]
    public async Task A_full_account_shows_every_panel_and_changes_made_elsewhere_arrive_live()
    {
        var merchant = await fixture.Api.ClientAs("operator");
        var id = await ApiCustomers.Create(merchant, SampleProfiles.Ada());
        var ada = new Shopper(await fixture.Api.ClientAs("customer", id), id, merchant);
        await ada.StepUp();

        var visa = await ada.SaveMethod("tok_visa", preferred: true);
        await ada.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");
        await ada.SetLimits(daily: 20_000, weekly: 50_000, monthly: 150_000);
        await ada.Pay(visa, await ada.CheckoutBody("GBP", "Coffee beans and a mug", ("beans", "Coffee beans", 1_450, 2), ("mug", "Enamel mug", 899, 1)));

        await using var device = await fixture.SignedIn(id);
        var page = device.Page;

        // Changes from another device after signing in, so the live activity list has something to show.
        await ada.SaveMethod("tok_timeout", last4: "0341");
        await ada.SetLimits(daily: 20_000, weekly: 50_000, monthly: 200_000);
        await ada.Pay(visa, await ada.CheckoutBody("GBP", "Descaler", ("descaler", "Descaler", 650, 1)));
        await Expect(page.Locator("[data-testid=payment-row]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=pending-cap]")).ToHaveCountAsync(1);
        await WebApp.AddProduct(page, "beans");
        await WebApp.AddProduct(page, "grinder");
        await Expect(page.Locator("[data-testid=cart-line]")).ToHaveCountAsync(2);
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await WebApp.ExpectCartVersion(page, 2);

        var picture = Environment.GetEnvironmentVariable(Switch) == "1"
            ? Path.Combine(RepositoryRoot.Path, "docs", "web-app.png")
            : Path.Combine(AppContext.BaseDirectory, "web-app.png");
        await page.ScreenshotAsync(new() { Path = picture, FullPage = true });
        Assert.Empty(device.Errors);
    }
}
