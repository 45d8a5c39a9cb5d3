using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// The web app as a customer's browsers see it: the API on real Kestrel (its wwwroot, a real silo, real PostgreSQL)
/// and one headless Chromium from the machine's own install. Playwright never downloads a browser here:
/// <c>CHROMIUM_PATH</c> or <c>/usr/bin/chromium</c> is used, and the test fails with a message when neither exists.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? playwright;

    public ApiFixture Api { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseAddress { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}: install it with 'apt-get install -y chromium' or set CHROMIUM_PATH.");
        }
        await Api.InitializeAsync();
        // The products the local start seeds from the silo's Catalog:Items, which the web app offers.
        var merchant = await Api.ClientAs("operator");
        await TestCatalog.Ensure(merchant, "beans", "Coffee beans", 1_450);
        await TestCatalog.Ensure(merchant, "mug", "Enamel mug", 899);
        await TestCatalog.Ensure(merchant, "grinder", "Hand grinder", 4_900);
        var addresses = Api.Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);

        // Every expectation waits up to this long: ample on a loaded two-core machine, where a pass takes a fraction of it.
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>A new device: its own browser context (storage, device id, network), on the app's start page.</summary>
    public async Task<Device> NewDevice(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "Europe/Berlin",
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        var device = new Device(context, page);
        page.PageError += (_, error) => device.Errors.Add(error);
        await page.GotoAsync("/");
        return device;
    }

    /// <summary>
    /// A new device signed in as <paramref name="customerId"/> and live: the hub has it in the customer's group and
    /// the page shows the latest state, so it sees every change made from now on.
    /// </summary>
    public async Task<Device> SignedIn(string customerId, int width = 1280, int height = 900)
    {
        var device = await NewDevice(width, height);
        var page = device.Page;
        await page.GetByLabel("Customer id").FillAsync(customerId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#profile")).ToHaveAttributeAsync("data-customer-id", customerId);
        await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-synced", "true");
        return device;
    }
}

/// <summary>What the tests find and press on the web app's page.</summary>
public static class WebApp
{
    public static ILocator CartLine(IPage page, string sku) => page.Locator($"[data-testid=cart-line][data-sku={sku}]");

    public static Task AddProduct(IPage page, string sku) => page.ClickAsync($"[data-testid=add-product][data-sku={sku}]");

    /// <summary>The cart version the page holds (kept out of the visible text, on the cart's section).</summary>
    public static Task ExpectCartVersion(IPage page, long version) =>
        Expect(page.Locator("#cart")).ToHaveAttributeAsync("data-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static ILocator PaymentRow(IPage page, string paymentId) => page.Locator($"[data-testid=payment-row][data-id={paymentId}]");

    public static ILocator Method(IPage page, string methodId) => page.Locator($"[data-testid=method][data-id={methodId}]");

    /// <summary>
    /// Answers the dialog that asks the customer to confirm it is them before a sensitive change, with the code the
    /// development outbox shows in it; the code.
    /// </summary>
    public static async Task<string> ConfirmItIsYou(IPage page)
    {
        var dialog = page.Locator("#account-stepup");
        await Expect(dialog).ToBeVisibleAsync();
        var shown = dialog.Locator("[data-testid=account-stepup-dev]");
        await Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Development: your code is [0-9]{6}$"));
        var code = (await shown.TextContentAsync())![^6..];
        await dialog.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        return code;
    }

    /// <summary>
    /// What a shopper reads must be words: no ids with their prefixes, no status or decline codes, no versions,
    /// no device ids. Only what is rendered counts (innerText leaves hidden parts out).
    /// </summary>
    public static async Task AssertNoRawCodes(IPage page)
    {
        var text = await page.EvaluateAsync<string>("document.body.innerText");
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex(
            @"\b(tok|cus|pay|pm|chk|re|ch)_[A-Za-z0-9]|requires_action|requires_confirmation|card_declined|insufficient_funds|authentication_failed|partially_refunded|\bprocessing\b|\bversion\b|\bweb-[0-9a-f]{8}|test-customer",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase), text);
    }
}

/// <summary>One browser of the customer's; disposing it closes its context.</summary>
public sealed record Device(IBrowserContext Context, IPage Page) : IAsyncDisposable
{
    /// <summary>Uncaught errors in the page's scripts.</summary>
    public List<string> Errors { get; } = [];

    public ValueTask DisposeAsync() => Context.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
