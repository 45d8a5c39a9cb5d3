using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Tests.Infrastructure;

/// <summary>A customer with a token of their own, driving the checkout API the way a device does.</summary>
public sealed class Shopper(HttpClient client, string customerId)
{
    public HttpClient Client { get; } = client;
    public string Id { get; } = customerId;
    public string Base => $"/v1/customers/{Id}";

    /// <summary>Creates a customer (as an operator) with caps in <paramref name="currency"/> and signs them in.</summary>
    public static async Task<Shopper> Create(Func<string, string?, Task<HttpClient>> clientAs, string currency = "EUR")
    {
        var id = await ApiCustomers.Create(await clientAs("operator", null), SampleProfiles.Grace(currency));
        return new Shopper(await clientAs("customer", id), id);
    }

    /// <summary>The same customer, through another caller's client (an operator refunding, a second device).</summary>
    public Shopper As(HttpClient other) => new(other, Id);

    public async Task<string> SaveMethod(string token, bool preferred = false, string brand = "visa", string last4 = "4242")
    {
        var response = await Client.PostAsJsonAsync($"{Base}/payment-methods",
            new { token, brand, last4, expiryMonth = 12, expiryYear = 2030, billingCountry = "DE", preferred });
        return (await HttpAssert.Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public async Task SetLimits(long? daily, long? weekly = null, long? monthly = null) =>
        await HttpAssert.Json(await Client.PutAsJsonAsync($"{Base}/limits", new { daily, weekly, monthly }), HttpStatusCode.OK);

    /// <summary>Reads one of the customer's resources (<c>/cart</c>, <c>/limits</c>, …; empty for the profile), expecting 200.</summary>
    public async Task<JsonElement> Read(string path) => await HttpAssert.Json(await Client.GetAsync(Base + path), HttpStatusCode.OK);

    public Task<HttpResponseMessage> Post(string path, string json, string? idempotencyKey) =>
        Client.SendAsync(Requests.Json(HttpMethod.Post, Base + path, json, idempotencyKey));

    /// <summary>A checkout body of one line of coffee beans.</summary>
    public static string Lines(long unitPrice, string currency = "EUR", int quantity = 1) =>
        CheckoutBody(currency, null, ("sku-1", "Coffee beans", unitPrice, quantity));

    /// <summary>A checkout body of explicit <paramref name="lines"/>, all in <paramref name="currency"/>.</summary>
    public static string CheckoutBody(string currency, string? description, params (string Sku, string Name, long UnitPrice, int Quantity)[] lines) =>
        JsonSerializer.Serialize(new
        {
            description,
            lines = lines.Select(line => new { sku = line.Sku, name = line.Name, unitPrice = line.UnitPrice, currency, quantity = line.Quantity }),
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    public async Task<string> Checkout(long unitPrice, string currency = "EUR") => await CheckoutOf(Lines(unitPrice, currency));

    public async Task<string> CheckoutOf(string body) =>
        (await HttpAssert.Json(await Post("/checkouts", body, NewKey()), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    public Task<HttpResponseMessage> Confirm(string checkoutId, string methodId, string? key = null, string? stepUpCode = null) =>
        Post($"/checkouts/{checkoutId}/confirm", JsonSerializer.Serialize(new { paymentMethodId = methodId, stepUpCode }), key ?? NewKey());

    /// <summary>Checks out <paramref name="checkoutBody"/> and pays it with <paramref name="methodId"/>, expecting 200; the payment id.</summary>
    public async Task<string> Pay(string methodId, string checkoutBody) =>
        (await HttpAssert.Json(await Confirm(await CheckoutOf(checkoutBody), methodId), HttpStatusCode.OK)).GetProperty("id").GetString()!;

    /// <summary>Pays one line of <paramref name="unitPrice"/> euros.</summary>
    public Task<string> Pay(string methodId, long unitPrice) => Pay(methodId, Lines(unitPrice));

    /// <summary>Asks for a refund (an operator's right); <paramref name="json"/> is e.g. <c>{"amount":1000}</c>.</summary>
    public Task<HttpResponseMessage> Refund(string paymentId, string json, string? key = null) =>
        Post($"/payments/{paymentId}/refunds", json, key ?? NewKey());

    public static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>A cart edit made on top of cart <paramref name="version"/> (no <c>If-Match</c> when null).</summary>
    public static HttpRequestMessage CartChange(HttpMethod method, string path, object? line, long? version) =>
        new HttpRequestMessage(method, path) { Content = line is null ? null : JsonContent.Create(line) }.IfMatch(version);

    /// <summary>Puts one line (quantity 1, euros) in the cart, expecting it at <paramref name="version"/>.</summary>
    public Task<HttpResponseMessage> AddToCart(string sku, long unitPrice, long version, HttpClient? through = null) =>
        (through ?? Client).SendAsync(CartChange(HttpMethod.Post, $"{Base}/cart/items",
            new { sku, name = sku, unitPrice, currency = "EUR", quantity = 1 }, version));
}
