using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A customer with a token of their own, driving the checkout API the way a device does, and an operator's client that
/// makes sure the catalog sells what the test buys at the price the test names.
/// </summary>
public sealed class Shopper(HttpClient client, string customerId, HttpClient merchant)
{
    public HttpClient Client { get; } = client;
    public string Id { get; } = customerId;

    /// <summary>An operator's client: it manages the catalog.</summary>
    public HttpClient Merchant { get; } = merchant;
    public string Base => $"/v1/customers/{Id}";

    /// <summary>
    /// Creates a customer (as an operator) with caps in <paramref name="currency"/>, signs them in, and steps their device
    /// up (unless <paramref name="stepUp"/> is false), so the test may raise caps, save cards and change email or phone.
    /// </summary>
    public static async Task<Shopper> Create(Func<string, string?, Task<HttpClient>> clientAs, string currency = "EUR", bool stepUp = true)
    {
        var merchant = await clientAs("operator", null);
        var id = await ApiCustomers.Create(merchant, SampleProfiles.Grace(currency));
        var shopper = new Shopper(await clientAs("customer", id), id, merchant);
        if (stepUp)
        {
            await shopper.StepUp();
        }
        return shopper;
    }

    /// <summary>Steps this client's device up (see <see cref="StepUps"/>); sensitive changes from it are allowed for a while.</summary>
    public Task<DateTimeOffset> StepUp() => StepUps.Prove(Client, Id);

    /// <summary>The same customer, through another caller's client (an operator refunding, a second device).</summary>
    public Shopper As(HttpClient other) => new(other, Id, Merchant);

    public async Task<string> SaveMethod(string token, bool preferred = false, string brand = "visa", string last4 = "4242")
    {
        var response = await Client.PostAsJsonAsync($"{Base}/payment-methods",
            new { token, brand, last4, expiryMonth = 12, expiryYear = 2030, billingCountry = "DE", preferred });
        return (await HttpAssert.Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public async Task SetLimits(long? daily, long? weekly = null, long? monthly = null) =>
        await HttpAssert.Json(await Client.PutAsJsonAsync($"{Base}/limits", new { daily, weekly, monthly }), HttpStatusCode.OK);

    /// <summary>Grants or withdraws consent to <paramref name="purpose"/> under <paramref name="policyVersion"/>, expecting 200.</summary>
    public async Task SetConsent(string purpose, bool granted, string policyVersion = "2026-11") =>
        await HttpAssert.Json(await Client.PutAsJsonAsync($"{Base}/consents/{purpose}", new { granted, policyVersion }), HttpStatusCode.OK);

    /// <summary>Excludes the customer from every checkout until <paramref name="until"/>, expecting 200.</summary>
    public async Task SelfExclude(DateTimeOffset until) =>
        await HttpAssert.Json(await Client.PostAsJsonAsync($"{Base}/self-exclusion", new { until }), HttpStatusCode.OK);

    /// <summary>Reads one of the customer's resources (<c>/cart</c>, <c>/limits</c>, …; empty for the profile), expecting 200.</summary>
    public async Task<JsonElement> Read(string path) => await HttpAssert.Json(await Client.GetAsync(Base + path), HttpStatusCode.OK);

    public Task<HttpResponseMessage> Post(string path, string json, string? idempotencyKey) =>
        Client.SendAsync(Requests.Json(HttpMethod.Post, Base + path, json, idempotencyKey));

    /// <summary>A checkout body of one line of coffee beans at <paramref name="unitPrice"/> (see <see cref="LinesOf"/>).</summary>
    public static string Lines(long unitPrice, string currency = "EUR", int quantity = 1) =>
        CheckoutBody(null, (TestCatalog.Sku("sku-1", unitPrice, currency), quantity));

    /// <summary><see cref="Lines"/>, once the catalog sells its coffee beans at <paramref name="unitPrice"/>.</summary>
    public async Task<string> LinesOf(long unitPrice, string currency = "EUR", int quantity = 1)
    {
        await TestCatalog.Ensure(Merchant, TestCatalog.Sku("sku-1", unitPrice, currency), "Coffee beans", unitPrice, currency);
        return Lines(unitPrice, currency, quantity);
    }

    /// <summary>A checkout body of explicit <paramref name="lines"/>: SKUs and quantities, as a device sends them.</summary>
    public static string CheckoutBody(string? description, params (string Sku, int Quantity)[] lines) =>
        JsonSerializer.Serialize(new
        {
            description,
            lines = lines.Select(line => new { sku = line.Sku, quantity = line.Quantity }),
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    /// <summary>
    /// A checkout body of explicit <paramref name="lines"/>, all in <paramref name="currency"/>, once the catalog sells
    /// each at its price (under the SKU of that price and currency).
    /// </summary>
    public async Task<string> CheckoutBody(string currency, string? description, params (string Sku, string Name, long UnitPrice, int Quantity)[] lines)
    {
        var priced = new List<(string, int)>();
        foreach (var line in lines)
        {
            var sku = TestCatalog.Sku(line.Sku, line.UnitPrice, currency);
            await TestCatalog.Ensure(Merchant, sku, line.Name, line.UnitPrice, currency);
            priced.Add((sku, line.Quantity));
        }
        return CheckoutBody(description, [.. priced]);
    }

    public async Task<string> Checkout(long unitPrice, string currency = "EUR") => await CheckoutOf(await LinesOf(unitPrice, currency));

    public async Task<string> CheckoutOf(string body) =>
        (await HttpAssert.Json(await Post("/checkouts", body, NewKey()), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    public Task<HttpResponseMessage> Confirm(string checkoutId, string methodId, string? key = null, string? stepUpCode = null) =>
        Post($"/checkouts/{checkoutId}/confirm", JsonSerializer.Serialize(new { paymentMethodId = methodId, stepUpCode }), key ?? NewKey());

    /// <summary>Checks out <paramref name="checkoutBody"/> and pays it with <paramref name="methodId"/>, expecting 200; the payment id.</summary>
    public async Task<string> Pay(string methodId, string checkoutBody) =>
        (await HttpAssert.Json(await Confirm(await CheckoutOf(checkoutBody), methodId), HttpStatusCode.OK)).GetProperty("id").GetString()!;

    /// <summary>Pays one line of <paramref name="unitPrice"/> euros.</summary>
    public async Task<string> Pay(string methodId, long unitPrice) => await Pay(methodId, await LinesOf(unitPrice));

    /// <summary>Asks for a refund (an operator's right); <paramref name="json"/> is e.g. <c>{"amount":1000}</c>.</summary>
    public Task<HttpResponseMessage> Refund(string paymentId, string json, string? key = null) =>
        Post($"/payments/{paymentId}/refunds", json, key ?? NewKey());

    public static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>A loyalty card number nobody holds yet (12 digits, the last a check digit).</summary>
    public static string NewLoyaltyCard() =>
        Actors.Grains.Identity.IdentityRules.LoyaltyCardWithCheckDigit(Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString());

    /// <summary>A cart edit made on top of cart <paramref name="version"/> (no <c>If-Match</c> when null).</summary>
    public static HttpRequestMessage CartChange(HttpMethod method, string path, object? line, long? version) =>
        new HttpRequestMessage(method, path) { Content = line is null ? null : JsonContent.Create(line) }.IfMatch(version);

    /// <summary>
    /// Puts one of <paramref name="sku"/> in the cart, expecting it at <paramref name="version"/>, once the catalog sells
    /// it (named as its SKU) at <paramref name="unitPrice"/> euros.
    /// </summary>
    public async Task<HttpResponseMessage> AddToCart(string sku, long unitPrice, long version, HttpClient? through = null)
    {
        await TestCatalog.Ensure(Merchant, sku, sku, unitPrice);
        return await (through ?? Client).SendAsync(CartChange(HttpMethod.Post, $"{Base}/cart/items", new { sku, quantity = 1 }, version));
    }
}
