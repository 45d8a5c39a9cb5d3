using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Tests.Authorization;
using Actors.Tests.Fuzz;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Actors.Tests.Api;

/// <summary>
/// <c>/openapi/v1.json</c> against what the host really maps and really answers: every endpoint of the host's
/// <see cref="EndpointDataSource"/> is an operation of the document, and every status an endpoint is seen to answer
/// (to the authorization matrix's callers, to a shopper paying, to hostile requests, and over a rate limit) is
/// documented for its operation. What is seen is recorded by a middleware around the host's pipeline, not read from
/// the metadata the document is made of.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class OpenApiDocumentTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const int HostileRequestCount = 1_500;

    /// <summary>
    /// Mapped routes that are not operations of the API: the document itself, the reference page, the SignalR hub
    /// (docs/live-updates.md) and the Orleans Dashboard's page and data.
    /// </summary>
    private static bool IsNotAnOperation(string route) =>
        route.StartsWith("/openapi/", StringComparison.Ordinal) || route.StartsWith("/reference", StringComparison.Ordinal)
        || route.StartsWith("/hubs/", StringComparison.Ordinal) || route.StartsWith(ManagementEndpoints.DashboardPath, StringComparison.Ordinal);

    [Fact]
    public async Task Every_mapped_endpoint_is_an_operation_of_the_document()
    {
        var document = await Document();
        var missing = MappedOperations(fixture.Api)
            .Where(operation => Operation(document, operation.Method, operation.Route) is null)
            .Select(operation => $"{operation.Method} {operation.Route}")
            .ToList();

        Assert.True(MappedOperations(fixture.Api).Count >= 60, "too few endpoints found");
        Assert.True(missing.Count == 0, "not in the document:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_status_an_endpoint_answers_is_documented_for_its_operation()
    {
        var observed = new ConcurrentDictionary<(string Method, string Route, int Status), string>();
        await using var node = Observed(fixture.Api, observed);
        await using var limited = Observed(fixture.Api, observed, builder => builder
            .UseSetting("RateLimits:Enabled", "true")
            .UseSetting("RateLimits:PerAddress:PerSecond", "1")
            .UseSetting("RateLimits:PerAddress:Burst", "1"));

        await DriveTheAuthorizationMatrix(node);
        var shopper = await Shop(node);
        await DriveHostileRequests(node, shopper);
        var limitedStatuses = await DriveOverTheRateLimit(limited, await fixture.ClientAs("operator"));

        var document = await Document();
        var undocumented = observed
            .Where(seen => Operation(document, seen.Key.Method, seen.Key.Route) is not { } operation
                || !operation.GetProperty("responses").TryGetProperty(seen.Key.Status.ToString(), out _))
            .Select(seen => $"{seen.Key.Method} {seen.Key.Route} → {seen.Key.Status} (e.g. {seen.Value})")
            .Order()
            .ToList();
        output.WriteLine($"{observed.Count} (operation, status) pairs seen over {observed.Keys.Select(key => (key.Method, key.Route)).Distinct().Count()} operations");

        Assert.Contains(429, limitedStatuses);
        Assert.Contains(observed.Keys, key => key.Status == 201 && key.Route == "/v1/customers/{customerId}/checkouts");
        Assert.True(undocumented.Count == 0, $"{undocumented.Count} statuses seen but not documented:\n" + string.Join("\n", undocumented));
    }

    [Fact]
    public async Task The_document_lists_only_known_problem_types_the_bearer_scheme_the_headers_and_examples()
    {
        var document = await Document();

        var known = typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToHashSet();
        var listed = ProblemTypesListed(document).ToList();
        Assert.NotEmpty(listed);
        Assert.Empty(listed.Where(type => !known.Contains(type)).Distinct());

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());

        var create = Operation(document, "POST", "/v1/customers/{customerId}/checkouts")!.Value;
        Assert.True(RequiresBearer(create));
        AssertHeader(create, "Idempotency-Key", required: true);
        AssertHeader(create, "X-Device-Id", required: true);
        AssertHeader(create, "X-Channel", required: true);
        Assert.Contains("/errors/idempotency-mismatch", Types(create, 422));
        Assert.Contains("/errors/cart-empty", Types(create, 409));

        var confirm = Operation(document, "POST", "/v1/customers/{customerId}/checkouts/{checkoutId}/confirm")!.Value;
        AssertHeader(confirm, "Idempotency-Key", required: true);
        Assert.Contains("/errors/checkout-not-found", Types(confirm, 404));
        Assert.Contains("/errors/customer-not-found", Types(confirm, 404));
        Assert.Contains("/errors/cap-exceeded", Types(confirm, 409));
        Assert.Contains("/errors/unavailable", Types(confirm, 503));
        Assert.True(confirm.GetProperty("responses").GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.True(confirm.GetProperty("responses").GetProperty("200").TryGetProperty("content", out _));
        Assert.True(confirm.GetProperty("responses").GetProperty("202").TryGetProperty("content", out _));

        var patch = Operation(document, "PATCH", "/v1/customers/{customerId}")!.Value;
        AssertHeader(patch, "If-Match", required: true);
        AssertHeader(Operation(document, "POST", "/v1/customers/{customerId}/cart/items")!.Value, "If-Match", required: true);
        var profile = Operation(document, "GET", "/v1/customers/{customerId}")!.Value;
        Assert.True(profile.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
        Assert.True(profile.GetProperty("responses").GetProperty("308").GetProperty("headers").TryGetProperty("Location", out _));

        Assert.False(RequiresBearer(Operation(document, "POST", "/v1/dev/tokens")!.Value));
        Assert.False(RequiresBearer(Operation(document, "GET", "/health/live")!.Value));
        Assert.False(RequiresBearer(Operation(document, "GET", "/.well-known/receipt-keys")!.Value));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { "CheckoutRequest", "CheckoutView", "ConfirmRequest", "PaymentView", "CartView", "CartLineRequest", "CustomerView", "ProfileRequest" })
        {
            Assert.True(schemas.GetProperty(name).TryGetProperty("examples", out var examples) && examples.GetArrayLength() == 1, $"{name} has no example");
        }
        Assert.Equal("beans", schemas.GetProperty("CheckoutRequest").GetProperty("examples")[0].GetProperty("lines")[0].GetProperty("sku").GetString());
    }

    private async Task<JsonElement> Document() =>
        await fixture.Api.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    /// <summary>Every (method, route) the host maps that is an operation of the API.</summary>
    private static List<(string Method, string Route)> MappedOperations(WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> host) =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, Route(endpoint))))
            .Where(operation => !IsNotAnOperation(operation.Item2))
            .Distinct()
            .ToList();

    /// <summary>A route pattern as the document writes it: leading slash, no constraints.</summary>
    private static string Route(RouteEndpoint endpoint) =>
        "/" + Constraint().Replace(endpoint.RoutePattern.RawText!.Trim('/'), "{$1}");

    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex Constraint();

    private static JsonElement? Operation(JsonElement document, string method, string route) =>
        document.GetProperty("paths").TryGetProperty(route, out var path) && path.TryGetProperty(method.ToLowerInvariant(), out var operation)
            ? operation
            : null;

    private static bool RequiresBearer(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
        && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _));

    private static void AssertHeader(JsonElement operation, string name, bool required)
    {
        var parameter = operation.GetProperty("parameters").EnumerateArray()
            .SingleOrDefault(parameter => parameter.GetProperty("in").GetString() == "header" && parameter.GetProperty("name").GetString() == name);
        Assert.True(parameter.ValueKind == JsonValueKind.Object, $"no {name} header parameter");
        Assert.Equal(required, parameter.TryGetProperty("required", out var flag) && flag.GetBoolean());
    }

    private static List<string> Types(JsonElement operation, int status) =>
        operation.GetProperty("responses").GetProperty(status.ToString()).GetProperty("x-problem-types").EnumerateArray()
            .Select(type => type.GetString()!).ToList();

    private static IEnumerable<string> ProblemTypesListed(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "x-problem-types")
                    {
                        foreach (var type in property.Value.EnumerateArray())
                        {
                            yield return type.GetString()!;
                        }
                        continue;
                    }
                    foreach (var type in ProblemTypesListed(property.Value))
                    {
                        yield return type;
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var type in ProblemTypesListed(item))
                    {
                        yield return type;
                    }
                }
                break;
        }
    }

    /// <summary>Another API node of the fixture's cluster, recording the (operation, status) of every request it answers.</summary>
    private static WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> Observed(
        ApiFactory api, ConcurrentDictionary<(string, string, int), string> observed, Action<IWebHostBuilder>? configure = null) =>
        api.WithWebHostBuilder(builder =>
        {
            configure?.Invoke(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new StatusRecorder(observed)));
        });

    private sealed class StatusRecorder(ConcurrentDictionary<(string, string, int), string> observed) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                try
                {
                    await inner(context);
                }
                finally
                {
                    // The exception handler clears the endpoint before it writes its answer; its feature keeps it.
                    var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                    if (endpoint is RouteEndpoint route
                        && route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(context.Request.Method) == true
                        && !IsNotAnOperation(Route(route)))
                    {
                        observed.TryAdd((context.Request.Method, Route(route), context.Response.StatusCode),
                            $"{context.Request.Method} {context.Request.Path}");
                    }
                }
            });
            next(app);
        };
    }

    /// <summary>Every endpoint of the authorization matrix, as every kind of caller.</summary>
    private static async Task DriveTheAuthorizationMatrix(WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> node)
    {
        var target = await ApiCustomers.Create(await ApiFixture.ClientAs(node, "operator"));
        var other = await ApiCustomers.Create(await ApiFixture.ClientAs(node, "operator"));
        var clients = new[]
        {
            node.CreateClient(),
            await ApiFixture.ClientAs(node, "customer", target),
            await ApiFixture.ClientAs(node, "customer", other),
            await ApiFixture.ClientAs(node, "support"),
            await ApiFixture.ClientAs(node, "operator"),
            await ApiFixture.ClientAs(node, "pos"),
        };
        foreach (var (method, route, _) in AuthorizationMatrixTests.Matrix.Where(row => !IsNotAnOperation(row.Route)))
        {
            foreach (var client in clients)
            {
                using var request = AuthorizationMatrixTests.Request(method, route, target, siloAddress: "none");
                (await client.SendAsync(request)).Dispose();
            }
        }
    }

    /// <summary>A customer who saves a card, fills the cart, pays, is refused by a cap, and is refunded.</summary>
    private static async Task<Shopper> Shop(WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> node)
    {
        var shopper = await Shopper.Create((role, id) => ApiFixture.ClientAs(node, role, id));
        var method = await shopper.SaveMethod("tok_visa");
        (await shopper.AddToCart(TestCatalog.Sku("sku-openapi", 500, "EUR"), 500, 0)).Dispose();
        await shopper.Read("/cart");
        await shopper.Read("");
        var paymentId = await shopper.Pay(method, 1_000);
        (await shopper.As(await ApiFixture.ClientAs(node, "operator")).Refund(paymentId, """{"amount":100}""")).Dispose();
        await shopper.SetLimits(daily: 1_500);
        (await shopper.Confirm(await shopper.Checkout(1_000), method)).Dispose();
        await shopper.Read("/payments");
        return shopper;
    }

    /// <summary>Generated hostile requests (the fuzz test's) at every mapped route, from every kind of caller.</summary>
    private async Task DriveHostileRequests(WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> node, Shopper shopper)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"hostile requests from seed {seed}");
        var checkoutId = await shopper.CheckoutOf(await shopper.LinesOf(100));
        var generator = new HostileRequests(seed, new Dictionary<string, string[]>
        {
            ["customerId"] = [shopper.Id],
            ["checkoutId"] = [checkoutId],
            ["purpose"] = ["marketing", "location"],
            ["kind"] = ["email", "phone", "card", "device"],
            ["value"] = ["grace@example.com", "+4930123456"],
        });
        var callers = new[]
        {
            await ApiFixture.ClientAs(node, "operator"),
            await ApiFixture.ClientAs(node, "customer", shopper.Id),
            await ApiFixture.ClientAs(node, "pos"),
            node.CreateClient(),
        };
        var endpoints = MappedOperations(node);
        var random = new Random(seed);
        for (var i = 0; i < HostileRequestCount; i++)
        {
            using var request = generator.Next(endpoints[random.Next(endpoints.Count)]);
            if (request.Method == HttpMethod.Delete && request.RequestUri!.OriginalString.Split('?')[0].TrimEnd('/') == shopper.Base)
            {
                continue;
            }
            try
            {
                (await callers[random.Next(callers.Length)].SendAsync(request)).Dispose();
            }
            catch (Exception exception) when (exception is HttpRequestException or FormatException or InvalidOperationException)
            {
                // The client itself would not send it: nothing reached the API.
            }
        }
    }

    /// <summary>Every matrix route twice in a row from one address, on a node allowing one request a second per address.</summary>
    private static async Task<HashSet<int>> DriveOverTheRateLimit(WebApplicationFactory<Actors.Api.Hosting.ApiEntryPoint> limited, HttpClient signedIn)
    {
        var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;
        var statuses = new HashSet<int>();
        var customer = Guid.NewGuid().ToString("N");
        foreach (var (method, route, _) in AuthorizationMatrixTests.Matrix.Where(row => !IsNotAnOperation(row.Route)))
        {
            for (var i = 0; i < 2; i++)
            {
                using var request = AuthorizationMatrixTests.Request(method, route, "cus_" + customer[..20], siloAddress: "none");
                using var response = await client.SendAsync(request);
                statuses.Add((int)response.StatusCode);
            }
        }
        return statuses;
    }
}
