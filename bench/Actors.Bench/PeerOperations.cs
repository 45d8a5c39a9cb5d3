using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>A customer of either system as a device sees it: its id, its own token and its saved card.</summary>
internal sealed class BenchCustomer(string id, string token, string methodId)
{
    public string Id => id;
    public string Token => token;
    public string MethodId => methodId;

    /// <summary>A checkout of this customer that a summary read can ask for, once there is one.</summary>
    public string? CheckoutId { get; set; }
}

/// <summary>One timed unit of work against one customer: null when it succeeded, else why not.</summary>
internal delegate Task<string?> Operation(BenchCustomer customer);

/// <summary>
/// The requests of the comparison, each the same bytes whichever system receives it: the platform serves them at
/// the root, each peer under its prefix (<c>/a</c>, <c>/b</c>, <c>/f</c>, <c>/r</c>). Every request carries the
/// customer's bearer token and the device headers; every money-moving one its own Idempotency-Key.
/// </summary>
internal static class PeerOperations
{
    /// <summary>The seeded catalog item every checkout buys (the platform's and peer F's catalogs both sell it at <see cref="Amount"/>).</summary>
    public const string Sku = "beans";

    /// <summary>What one payment moves: the catalog price of <see cref="Sku"/>, and what peers A and B are asked to pay.</summary>
    public const long Amount = 1_450;

    private static readonly string CheckoutBody = JsonSerializer.Serialize(new
    {
        lines = new[] { new { sku = Sku, quantity = 1 } },
    });

    /// <summary>The two-step payment: create a checkout of one line, confirm it with the saved card.</summary>
    public static Operation TwoStepPayment(HttpClient http, string prefix) => async customer =>
    {
        var (created, createBody) = await Send(http, HttpMethod.Post, $"{prefix}/v1/customers/{customer.Id}/checkouts", customer.Token, CheckoutBody, idempotent: true);
        if (created != 201)
        {
            return $"create {created}";
        }
        var checkoutId = createBody.GetProperty("id").GetString()!;
        customer.CheckoutId = checkoutId;
        var (confirmed, confirmBody) = await Send(http, HttpMethod.Post, $"{prefix}/v1/customers/{customer.Id}/checkouts/{checkoutId}/confirm",
            customer.Token, JsonSerializer.Serialize(new { paymentMethodId = customer.MethodId }), idempotent: true);
        if (confirmed != 200)
        {
            return $"confirm {confirmed}";
        }
        var status = confirmBody.GetProperty("status").GetString();
        return status == "succeeded" ? null : $"confirm {status}";
    };

    /// <summary>Only the first step, to give a customer a checkout that summary reads can ask for.</summary>
    public static async Task<bool> CreateCheckout(HttpClient http, string prefix, BenchCustomer customer)
    {
        var (created, body) = await Send(http, HttpMethod.Post, $"{prefix}/v1/customers/{customer.Id}/checkouts", customer.Token, CheckoutBody, idempotent: true);
        if (created == 201)
        {
            customer.CheckoutId = body.GetProperty("id").GetString();
        }
        return created == 201;
    }

    /// <summary>Peers A and B: one request is the whole payment.</summary>
    public static Operation DirectPayment(HttpClient http, string prefix) => async customer =>
    {
        var (status, _) = await Send(http, HttpMethod.Post, $"{prefix}/v1/customers/{customer.Id}/payments", customer.Token,
            JsonSerializer.Serialize(new { amount = Amount, currency = "EUR", paymentMethodId = customer.MethodId }), idempotent: true);
        return status == 201 ? null : $"payment {status}";
    };

    public static Operation ProfileRead(HttpClient http, string prefix) => async customer =>
    {
        var (status, _) = await Send(http, HttpMethod.Get, $"{prefix}/v1/customers/{customer.Id}", customer.Token);
        return status == 200 ? null : $"profile {status}";
    };

    public static Operation CheckoutRead(HttpClient http, string prefix) => async customer =>
    {
        var (status, _) = await Send(http, HttpMethod.Get, $"{prefix}/v1/customers/{customer.Id}/checkouts/{customer.CheckoutId}", customer.Token);
        return status == 200 ? null : $"checkout read {status}";
    };

    /// <summary>Sends one request and reads the whole answer; the body is parsed only when it is JSON.</summary>
    public static async Task<(int Status, JsonElement Body)> Send(
        HttpClient http, HttpMethod method, string path, string token, string? json = null, bool idempotent = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Device-Id", "bench");
        request.Headers.Add("X-Channel", "web");
        if (idempotent)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var body = bytes.Length > 0 && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true
            ? JsonSerializer.Deserialize<JsonElement>(bytes)
            : default;
        return ((int)response.StatusCode, body);
    }
}
