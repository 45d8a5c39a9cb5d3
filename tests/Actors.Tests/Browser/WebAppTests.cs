using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// Two browser contexts signed in as one customer are two of their devices. What one does, the other sees without
/// a reload, through the hub. Waits are Playwright's auto-waiting assertions with deadlines, never sleeps.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppTests(BrowserFixture fixture)
{
    /// <summary>Reconciliation runs ~2 s after a payment is left processing (PaymentTestSettings); ample on a loaded machine.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions AfterReconcile = new() { Timeout = 45_000 };

    private sealed record Customer(Shopper Shopper, string Visa, string Timeout);

    /// <summary>A customer set up over REST with two saved cards: one that succeeds, one whose bank never answers.</summary>
    private async Task<Customer> NewCustomer()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        var timeout = await shopper.SaveMethod("tok_timeout");
        await shopper.SetLimits(daily: 100_000, weekly: 300_000);
        return new Customer(shopper, visa, timeout);
    }

    /// <summary>The customer's laptop and phone, signed in side by side; disposing closes both.</summary>
    private sealed record Devices(Device Laptop, Device Phone) : IAsyncDisposable
    {
        public void AssertNoScriptErrors() => Assert.Empty(Laptop.Errors.Concat(Phone.Errors));

        public async ValueTask DisposeAsync()
        {
            await Laptop.DisposeAsync();
            await Phone.DisposeAsync();
        }
    }

    private async Task<Devices> TwoDevices(Customer customer)
    {
        var devices = await Task.WhenAll(fixture.SignedIn(customer.Shopper.Id), fixture.SignedIn(customer.Shopper.Id));
        return new Devices(devices[0], devices[1]);
    }

    private static ILocator PaymentStatus(IPage page, string paymentId) =>
        page.Locator($"[data-testid=payment-row][data-id={paymentId}] [data-testid=payment-status]");

    /// <summary>Puts the beans in the cart on <paramref name="page"/>, checks out and confirms with <paramref name="methodId"/>.</summary>
    private static async Task<string> PayForBeans(IPage page, string methodId)
    {
        await WebApp.AddProduct(page, "beans");
        await Expect(WebApp.CartLine(page, "beans").Locator("[data-testid=cart-line-quantity]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();

        await page.ClickAsync("#checkout-start");
        await Expect(page.Locator("#checkout-title")).ToBeFocusedAsync();
        // The confirm screen says what is paid, with what, and what is left under each cap.
        await Expect(page.Locator("[data-testid=checkout-line][data-sku=beans]")).ToContainTextAsync("Coffee beans");
        await Expect(page.Locator("#checkout-total")).ToHaveTextAsync("€14.50");
        await Expect(page.Locator("#checkout-currency")).ToHaveTextAsync("EUR");
        await Expect(page.Locator("[data-testid=headroom][data-window=daily]")).ToContainTextAsync("€1,000.00 left of €1,000.00");
        await Expect(page.Locator("[data-testid=headroom][data-window=daily]")).ToContainTextAsync("€985.50 after this payment");

        await page.CheckAsync($"#method-{methodId}");
        await page.ClickAsync("#checkout-confirm");
        var result = page.Locator("#payment-result");
        await Expect(result).ToHaveAttributeAsync("data-payment-id", new Regex("^pay_"));
        return (await result.GetAttributeAsync("data-payment-id"))!;
    }

    [Fact]
    public async Task An_item_added_on_one_device_appears_on_the_other_without_a_reload()
    {
        var customer = await NewCustomer();
        await using var devices = await TwoDevices(customer);
        var (laptop, phone) = (devices.Laptop, devices.Phone);

        await WebApp.AddProduct(laptop.Page, "beans");

        await Expect(WebApp.CartLine(phone.Page, "beans").Locator("[data-testid=cart-line-quantity]")).ToHaveTextAsync("1");
        await Expect(phone.Page.Locator("#cart-total")).ToHaveTextAsync("€14.50");
        await WebApp.ExpectCartVersion(phone.Page, 1);
        devices.AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_checkout_confirmed_on_one_device_shows_succeeded_on_both()
    {
        var customer = await NewCustomer();
        await using var devices = await TwoDevices(customer);
        var (laptop, phone) = (devices.Laptop, devices.Phone);

        var paymentId = await PayForBeans(laptop.Page, customer.Visa);

        await Expect(laptop.Page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(PaymentStatus(laptop.Page, paymentId)).ToHaveTextAsync("Paid");
        await Expect(PaymentStatus(phone.Page, paymentId)).ToHaveTextAsync("Paid");
        // The paid lines leave the shared cart, on both.
        await Expect(phone.Page.Locator("#cart-empty")).ToBeVisibleAsync();
        await Expect(laptop.Page.Locator("#cart-empty")).ToBeVisibleAsync();
        devices.AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_payment_the_bank_did_not_answer_shows_processing_then_succeeded_on_both_after_reconciliation()
    {
        var customer = await NewCustomer();
        await using var devices = await TwoDevices(customer);
        var (laptop, phone) = (devices.Laptop, devices.Phone);

        var paymentId = await PayForBeans(laptop.Page, customer.Timeout);

        // The confirm answer is "processing" (the bank said nothing within the gateway timeout). Reconciliation may
        // settle it before the page even shows that, so the page's trail of statuses is what proves it was there.
        await Expect(laptop.Page.Locator("#payment-result-trail")).ToHaveTextAsync("Pending → Paid", AfterReconcile);
        await Expect(laptop.Page.Locator("#payment-result-status")).ToHaveTextAsync("Paid");
        await Expect(PaymentStatus(laptop.Page, paymentId)).ToHaveTextAsync("Paid", AfterReconcile);
        await Expect(PaymentStatus(phone.Page, paymentId)).ToHaveTextAsync("Paid", AfterReconcile);
        devices.AssertNoScriptErrors();
    }

    /// <summary>Takes the device offline and adds <paramref name="sku"/> that many times: the edits wait in its queue.</summary>
    private static async Task EditOffline(Device device, string sku, int times)
    {
        await device.Context.SetOfflineAsync(true);
        await Expect(device.Page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", "offline");
        for (var i = 0; i < times; i++)
        {
            await WebApp.AddProduct(device.Page, sku);
        }
        await Expect(device.Page.Locator("[data-testid=pending-edit]")).ToHaveCountAsync(times);
    }

    [Fact]
    public async Task An_edit_made_offline_on_a_cart_changed_elsewhere_is_shown_as_a_conflict_and_can_be_reapplied()
    {
        var customer = await NewCustomer();
        await using var devices = await TwoDevices(customer);
        var (laptop, phone) = (devices.Laptop, devices.Phone);

        await EditOffline(laptop, "mug", times: 1);

        // Meanwhile the phone changes the cart.
        await WebApp.AddProduct(phone.Page, "grinder");
        await Expect(WebApp.CartLine(phone.Page, "grinder").Locator("[data-testid=cart-line-quantity]")).ToHaveTextAsync("1");
        await Expect(phone.Page.Locator("#cart-pending")).ToBeHiddenAsync();

        await laptop.Context.SetOfflineAsync(false);

        // The laptop's edit was made on the old cart: it is not applied, and the customer sees why and the cart as it is.
        var conflict = laptop.Page.Locator("#cart-conflict");
        await Expect(conflict).ToBeVisibleAsync();
        await Expect(conflict).ToContainTextAsync("Enamel mug");
        await Expect(conflict.Locator("[data-testid=conflict-line][data-sku=grinder]")).ToContainTextAsync("Hand grinder");
        await Expect(WebApp.CartLine(laptop.Page, "mug")).ToHaveCountAsync(0);
        await Expect(WebApp.CartLine(laptop.Page, "grinder")).ToHaveCountAsync(1);
        await Expect(WebApp.CartLine(phone.Page, "mug")).ToHaveCountAsync(0);

        await laptop.Page.ClickAsync("#conflict-reapply");

        await Expect(conflict).ToBeHiddenAsync();
        await Expect(WebApp.CartLine(phone.Page, "mug")).ToHaveCountAsync(1);
        await Expect(WebApp.CartLine(phone.Page, "grinder")).ToHaveCountAsync(1);
        await Expect(WebApp.CartLine(laptop.Page, "mug").Locator("[data-testid=cart-line-quantity]")).ToHaveTextAsync("1");
        devices.AssertNoScriptErrors();
    }

    [Fact]
    public async Task An_edit_made_offline_is_sent_when_the_device_is_back_and_reaches_the_other_device()
    {
        var customer = await NewCustomer();
        await using var devices = await TwoDevices(customer);
        var (laptop, phone) = (devices.Laptop, devices.Phone);

        await EditOffline(laptop, "mug", times: 2);
        await Expect(WebApp.CartLine(phone.Page, "mug")).ToHaveCountAsync(0);

        await laptop.Context.SetOfflineAsync(false);

        await Expect(WebApp.CartLine(phone.Page, "mug").Locator("[data-testid=cart-line-quantity]")).ToHaveTextAsync("2");
        await Expect(laptop.Page.Locator("#cart-pending")).ToBeHiddenAsync();
        await Expect(laptop.Page.Locator("#cart-conflict")).ToBeHiddenAsync();
        await WebApp.ExpectCartVersion(laptop.Page, 2);
        devices.AssertNoScriptErrors();
    }
}
