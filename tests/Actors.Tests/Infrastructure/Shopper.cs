using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Actors.Tests.Infrastructure;

/// <summary>A customer with a token of their own, driving the checkout API the way a device does.</summary>
public sealed class Shopper(HttpClient client, string customerId)
{
    public HttpClient Client { get; } = client;
    public string Id { get; } = customerId;
    public string Base => $"/v1/customers/{Id}";

    /// <summary>Creates a customer (as an operator) in <paramref name="currency"/> and signs them in.</summary>
    public static async Task<Shopper> Create(Func<string, string?, Task<HttpClient>> clientAs, string currency = "EUR")
    {
        var operatorClient = await clientAs("operator", null);
        var created = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/customers", new
        {
            displayName = "Grace Hopper",
            email = "grace@example.com",
            homeCurrency = currency,
            timeZone = "Europe/Berlin",
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        return new Shopper(await clientAs("customer", id), id);
    }

    public async Task<string> SaveMethod(string token, bool preferred = false)
    {
        var response = await Client.PostAsJsonAsync($"{Base}/payment-methods",
            new { token, brand = "visa", last4 = "4242", expiryMonth = 12, expiryYear = 2030, billingCountry = "DE", preferred });
        return (await HttpAssert.Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public async Task SetLimits(long? daily, long? weekly = null, long? monthly = null) =>
        await HttpAssert.Json(await Client.PutAsJsonAsync($"{Base}/limits", new { daily, weekly, monthly }), HttpStatusCode.OK);

    public Task<HttpResponseMessage> Post(string path, string json, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Base + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Client.SendAsync(request);
    }

    public static string Lines(long unitPrice, string currency = "EUR", int quantity = 1) =>
        JsonSerializer.Serialize(new { lines = new[] { new { sku = "sku-1", name = "Coffee beans", unitPrice, currency, quantity } } });

    public async Task<string> Checkout(long unitPrice, string currency = "EUR") =>
        (await HttpAssert.Json(await Post("/checkouts", Lines(unitPrice, currency), NewKey()), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;

    public Task<HttpResponseMessage> Confirm(string checkoutId, string methodId, string? key = null, string? stepUpCode = null) =>
        Post($"/checkouts/{checkoutId}/confirm", JsonSerializer.Serialize(new { paymentMethodId = methodId, stepUpCode }), key ?? NewKey());

    public static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>A cart edit made on top of the cart version in <paramref name="ifMatch"/> (an entity tag, e.g. <c>"3"</c>).</summary>
    public static HttpRequestMessage CartChange(HttpMethod method, string path, object? line, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = line is null ? null : JsonContent.Create(line) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    /// <summary>Puts one line (quantity 1, euros) in the cart, expecting it at <paramref name="version"/>.</summary>
    public Task<HttpResponseMessage> AddToCart(string sku, long unitPrice, long version, HttpClient? through = null) =>
        (through ?? Client).SendAsync(CartChange(HttpMethod.Post, $"{Base}/cart/items",
            new { sku, name = sku, unitPrice, currency = "EUR", quantity = 1 }, $"\"{version}\""));
}
