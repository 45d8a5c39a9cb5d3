using System.Net;
using System.Text;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Authorization;

/// <summary>
/// Every endpoint × every role × the caller's own or another customer: who gets in, who is told 401 or 403, and
/// which customer is told the other does not exist (404). The table is written out here, not read from the code, and
/// every route the API maps must be in it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationMatrixTests(ApiFixture fixture)
{
    /// <summary>Who may call what: the roles each endpoint lets in (<c>*</c>: anyone, even without a token).</summary>
    internal static readonly (string Method, string Route, string Allowed)[] Matrix =
    [
        ("POST", "/v1/dev/tokens", "*"),
        ("GET", "/v1/dev/outbox/{customerId}", "customer operator"),
        ("GET", "/v1/catalog", "customer support operator pos"),
        ("GET", "/v1/catalog/{sku}", "customer support operator pos"),
        ("PUT", "/v1/catalog/{sku}", "operator"),
        ("GET", "/v1/experiments", "operator"),
        ("GET", "/v1/identities/{kind}/{value}", "support operator pos"),
        ("POST", "/v1/customers", "operator pos"),
        ("GET", "/v1/customers/{customerId}", "customer support operator"),
        ("PATCH", "/v1/customers/{customerId}", "customer operator"),
        ("GET", "/v1/customers/{customerId}/sessions", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/points", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/merge", "support operator"),
        ("GET", "/v1/customers/{customerId}/identities", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/identities", "customer operator"),
        ("DELETE", "/v1/customers/{customerId}/identities/{kind}/{value}", "customer operator"),
        ("GET", "/v1/customers/{customerId}/cart", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/cart/items", "customer operator"),
        ("DELETE", "/v1/customers/{customerId}/cart/items/{sku}", "customer operator"),
        ("GET", "/v1/customers/{customerId}/payment-methods", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/payment-methods", "customer operator"),
        ("DELETE", "/v1/customers/{customerId}/payment-methods/{paymentMethodId}", "customer operator"),
        ("PUT", "/v1/customers/{customerId}/payment-methods/{paymentMethodId}/preferred", "customer operator"),
        ("GET", "/v1/customers/{customerId}/limits", "customer support operator"),
        ("PUT", "/v1/customers/{customerId}/limits", "customer operator"),
        ("POST", "/v1/customers/{customerId}/self-exclusion", "customer operator"),
        ("POST", "/v1/customers/{customerId}/step-up/totp", "customer"),
        ("POST", "/v1/customers/{customerId}/step-up/totp/confirm", "customer"),
        ("POST", "/v1/customers/{customerId}/step-up/challenge", "customer"),
        ("POST", "/v1/customers/{customerId}/step-up", "customer"),
        ("GET", "/v1/customers/{customerId}/consents", "customer support operator"),
        ("PUT", "/v1/customers/{customerId}/consents/{purpose}", "customer operator"),
        ("POST", "/v1/customers/{customerId}/checkouts", "customer operator"),
        ("GET", "/v1/customers/{customerId}/checkouts/{checkoutId}", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/checkouts/{checkoutId}/confirm", "customer operator"),
        ("POST", "/v1/customers/{customerId}/payments/{paymentId}/refunds", "operator"),
        ("GET", "/v1/customers/{customerId}/payments", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/payments.csv", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/payments/{paymentId}/receipt", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/audit", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/audit/verify", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/audit/{sequence}/receipt", "customer support operator"),
        ("GET", "/.well-known/receipt-keys", "*"),
        ("GET", "/v1/customers/{customerId}/cases", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/cases/{caseId}", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/cases", "support operator"),
        ("POST", "/v1/customers/{customerId}/cases/{caseId}/messages", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/cases/{caseId}/close", "support operator"),
        ("GET", "/v1/customers/{customerId}/feedback", "customer support operator"),
        ("POST", "/v1/customers/{customerId}/feedback", "customer"),
        ("GET", "/v1/customers/{customerId}/export", "customer support operator"),
        ("GET", "/v1/customers/{customerId}/timeline", "support operator"),
        ("GET", "/v1/customers/{customerId}/as-of", "support operator"),
        ("GET", "/v1/customers/{customerId}/payments/{paymentId}/context", "support operator"),
        ("POST", "/v1/pos/checkouts", "pos"),
        ("GET", "/v1/pos/checkouts/{customerId}/{checkoutId}", "pos"),
        ("POST", "/v1/pos/checkouts/{customerId}/{checkoutId}/confirm", "pos"),
        // Last of the customer's routes: it erases the target, and every route after it answers 410 (still "in").
        ("DELETE", "/v1/customers/{customerId}", "customer operator"),
        ("GET", "/metrics", "operator"),
    ];

    private static readonly string[] Callers = ["anonymous", "customer (own)", "customer (other)", "support", "operator", "pos"];

    /// <summary>Routes the table leaves out on purpose: public by nature, not the API's resources.</summary>
    private static readonly string[] Unguarded = ["/health/live", "/health/ready", "/openapi/{documentName}.json", "/hubs/customer", "/hubs/customer/negotiate"];

    [Fact]
    public void Every_mapped_route_is_in_the_matrix()
    {
        var mapped = fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} {Normalized(endpoint.RoutePattern.RawText!)}"))
            .Where(route => !Unguarded.Any(unguarded => route.EndsWith(" " + unguarded)))
            .ToHashSet();
        var listed = Matrix.Select(cell => $"{cell.Method} {cell.Route}").ToHashSet();

        Assert.Empty(mapped.Except(listed));
        Assert.Empty(listed.Except(mapped));
    }

    [Fact]
    public async Task Each_caller_gets_the_status_the_matrix_gives_on_every_endpoint()
    {
        var target = await ApiCustomers.Create(await fixture.ClientAs("operator"));
        var other = await ApiCustomers.Create(await fixture.ClientAs("operator"));
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = fixture.Api.CreateClient(),
            ["customer (own)"] = await fixture.ClientAs("customer", target),
            ["customer (other)"] = await fixture.ClientAs("customer", other),
            ["support"] = await fixture.ClientAs("support"),
            ["operator"] = await fixture.ClientAs("operator"),
            ["pos"] = await fixture.ClientAs("pos"),
        };
        var wrong = new List<string>();
        foreach (var (method, route, allowed) in Matrix)
        {
            foreach (var caller in Callers)
            {
                var expected = Expected(caller, route, allowed);
                using var request = Request(method, route, target);
                var response = await clients[caller].SendAsync(request);
                var actual = await Outcome(response);
                if (actual != expected)
                {
                    wrong.Add($"{method} {route} as {caller}: expected {expected}, got {(int)response.StatusCode} ({actual})");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>
    /// What <paramref name="caller"/> must get: <c>401</c> without a token, <c>403</c> for a role the endpoint does not
    /// let in, <c>404</c> for a customer reaching another customer, else <c>in</c> (the endpoint ran: any other status).
    /// </summary>
    private static string Expected(string caller, string route, string allowed)
    {
        if (allowed == "*")
        {
            return "in";
        }
        if (caller == "anonymous")
        {
            return "401";
        }
        var role = caller.Split(' ')[0];
        if (!allowed.Split(' ').Contains(role))
        {
            return "403";
        }
        return caller == "customer (other)" && route.Contains("{customerId}") ? "404" : "in";
    }

    private static async Task<string> Outcome(HttpResponseMessage response)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return "401";
            case HttpStatusCode.Forbidden when await ProblemType(response) == "/errors/forbidden":
                return "403";
            case HttpStatusCode.NotFound when await ProblemType(response) == "/errors/customer-not-found":
                return "404";
            default:
                return (int)response.StatusCode >= 500 ? $"{(int)response.StatusCode}" : "in";
        }
    }

    private static async Task<string?> ProblemType(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    internal static HttpRequestMessage Request(string method, string route, string customerId)
    {
        var path = route
            .Replace("{customerId}", customerId)
            .Replace("{sku}", "sku-matrix")
            .Replace("{kind}", "email")
            .Replace("{value}", "nobody@example.com")
            .Replace("{purpose}", "marketing")
            .Replace("{paymentMethodId}", "pm_0123456789abcdefghjk")
            .Replace("{checkoutId}", "chk_0123456789abcdefghjk")
            .Replace("{paymentId}", "pay_0123456789abcdefghjk")
            .Replace("{sequence}", "1")
            .Replace("{caseId}", "case_0123456789abcdefghjk");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(method == "POST" && route == "/v1/dev/tokens" ? """{"role":"support"}""" : "{}", Encoding.UTF8,
                method == "PATCH" ? "application/merge-patch+json" : "application/json");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        }
        return request;
    }

    private static string Normalized(string raw) => "/" + raw.Trim('/');
}
