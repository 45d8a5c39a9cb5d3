using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        var operatorClient = await fixture.Api.ClientAs("operator");
        var created = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/customers", new
        {
            displayName = "Ada Lovelace",
            email = "ada@example.com",
            phone = "+447700900123",
            preferredLanguage = "en-GB",
            homeCurrency = "GBP",
            timeZone = "Europe/London",
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var ada = new Shopper(await fixture.Api.ClientAs("customer", id), id);

        var visa = await SaveCard(ada, "tok_visa", "visa", "4242", preferred: true);
        await SaveCard(ada, "tok_mastercard", "mastercard", "4444", preferred: false);
        await ada.SetLimits(daily: 20_000, weekly: 50_000, monthly: 150_000);
        await Pay(ada, visa, "Coffee beans and a mug", [("beans", "Coffee beans", 1_450, 2), ("mug", "Enamel mug", 899, 1)]);

        await using var device = await fixture.NewDevice(1280, 900);
        var page = device.Page;
        await page.GetByLabel("Customer id").FillAsync(id);
        await page.ClickAsync("#signin-submit");
        await Expect(page.Locator("#profile-id")).ToHaveTextAsync(id);
        await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-synced", "true");

        // Changes from another device after signing in, so the live activity list has something to show.
        await SaveCard(ada, "tok_timeout", "visa", "0341", preferred: false);
        await ada.SetLimits(daily: 20_000, weekly: 50_000, monthly: 200_000);
        await Pay(ada, visa, "Descaler", [("descaler", "Descaler", 650, 1)]);
        await Expect(page.Locator("[data-testid=payment-row]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=pending-cap]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=add-product][data-sku=beans]");
        await page.ClickAsync("[data-testid=add-product][data-sku=grinder]");
        await Expect(page.Locator("[data-testid=cart-line]")).ToHaveCountAsync(2);
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(page.Locator("#cart-version")).ToHaveTextAsync("2");

        var picture = Environment.GetEnvironmentVariable(Switch) == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "web-app.png")
            : Path.Combine(AppContext.BaseDirectory, "web-app.png");
        await page.ScreenshotAsync(new() { Path = picture, FullPage = true });
        Assert.Empty(device.Errors);
    }

    private static async Task<string> SaveCard(Shopper shopper, string token, string brand, string last4, bool preferred)
    {
        var response = await shopper.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods",
            new { token, brand, last4, expiryMonth = 9, expiryYear = 2031, billingCountry = "GB", preferred });
        return (await HttpAssert.Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private static async Task Pay(Shopper shopper, string methodId, string description, (string Sku, string Name, long UnitPrice, int Quantity)[] lines)
    {
        var body = JsonSerializer.Serialize(new
        {
            description,
            lines = lines.Select(line => new { sku = line.Sku, name = line.Name, unitPrice = line.UnitPrice, currency = "GBP", quantity = line.Quantity }),
        });
        var checkout = await HttpAssert.Json(await shopper.Post("/checkouts", body, Shopper.NewKey()), HttpStatusCode.Created);
        await HttpAssert.Json(await shopper.Confirm(checkout.GetProperty("id").GetString()!, methodId), HttpStatusCode.OK);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Actors.sln not found above the test's folder.");
    }
}
