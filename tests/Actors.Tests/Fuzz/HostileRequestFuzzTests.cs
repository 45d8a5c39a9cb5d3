using System.Net;
using System.Text;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Actors.Tests.Fuzz;

/// <summary>
/// Ten thousand generated hostile requests at every route the API maps, as an operator, as the customer and
/// anonymously. None may get a 5xx, none refused may change what is stored, no card number may be stored anywhere, and
/// the process must still serve afterwards. The seed is printed, so a failure can be replayed.
/// </summary>
public sealed class HostileRequestFuzzTests(ApiFixture fixture, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private const int Requests = 10_000;

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_change_nothing_when_refused_and_store_no_card_number()
    {
        var seed = Environment.GetEnvironmentVariable("ACTORS_FUZZ_SEED") is { } given ? int.Parse(given) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACTORS_FUZZ_SEED={seed})");

        var shopper = await Shopper.Create((role, id) => fixture.ClientWritingUtf8HeadersAs(role, id));
        var method = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(method, 1_000);
        var checkoutId = await shopper.CheckoutOf(await shopper.LinesOf(1_000));
        var realValues = new Dictionary<string, string[]>
        {
            ["customerId"] = [shopper.Id],
            ["checkoutId"] = [checkoutId],
            ["paymentId"] = [paymentId],
            ["paymentMethodId"] = [method],
            ["purpose"] = ["marketing", "personalization", "analytics", "location"],
            ["kind"] = ["email", "phone", "card", "device"],
            ["value"] = ["grace@example.com", "100000000008", "+4930123456"],
            ["sku"] = [TestCatalog.Sku("sku-1", 1_000, "EUR")],
        };
        var callers = new[]
        {
            await fixture.ClientWritingUtf8HeadersAs("operator"),
            await fixture.ClientWritingUtf8HeadersAs("customer", shopper.Id),
            await fixture.ClientWritingUtf8HeadersAs("pos"),
            await fixture.ClientWritingUtf8HeadersAs("support"),
            fixture.Api.CreateClient(),
        };
        var endpoints = Endpoints();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");
        var generator = new HostileRequests(seed, realValues);
        var random = new Random(seed);

        await using var database = NpgsqlDataSource.Create(fixture.ConnectionString);
        var stored = await StoredState(database);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var endpoint = endpoints[random.Next(endpoints.Count)];
            using var request = generator.Next(endpoint);
            // A DELETE of the customer itself is a valid erasure: it would end the run's customer for good (ErasureTests cover it).
            if (request.Method == HttpMethod.Delete && request.RequestUri!.OriginalString.Split('?')[0].TrimEnd('/') == shopper.Base)
            {
                continue;
            }
            var described = $"#{i} {request.Method} {request.RequestUri}";
            HttpResponseMessage response;
            try
            {
                response = await callers[random.Next(callers.Length)].SendAsync(request);
            }
            catch (Exception exception) when (exception is HttpRequestException or FormatException or InvalidOperationException)
            {
                // The client itself would not send it (e.g. a header HttpClient refuses): nothing reached the API.
                continue;
            }
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var after = await StoredState(database);
            if (status >= 500)
            {
                failures.Add($"{described} → {status}: {Truncate(await response.Content.ReadAsStringAsync())}");
            }
            else if (status >= 400 && after != stored)
            {
                failures.Add($"{described} → {status} but the stored state changed ({stored} → {after}): {await NewestEvents(database, after.Events - stored.Events)}");
            }
            stored = after;
            response.Dispose();
        }
        output.WriteLine(string.Join(", ", statuses.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}")));

        Assert.True(failures.Count == 0, $"{failures.Count} failures (seed {seed}):\n" + string.Join("\n", failures.Take(20)));
        Assert.Empty(await StoredCardNumbers(database));
        var alive = fixture.Api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await alive.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shopper.Client.GetAsync(shopper.Base)).StatusCode);
    }

    /// <summary>Every route the API maps, with each method it answers.</summary>
    private List<(string Method, string Route)> Endpoints() =>
        fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, "/" + endpoint.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .ToList();

    /// <summary>
    /// What a refused request must not change: the customers' journal, catalog versions, and grain-storage writes. Two
    /// kinds of journal rows are not the request's data: the stored answer of a money-moving request (a retry under its
    /// key gets the same refusal, as DESIGN's idempotency requires) and device sightings, which ride with whatever
    /// append comes next, even one of a refused request's grain. A wrong step-up code is refused and counted, so that
    /// enough of them lock step-up out.
    /// </summary>
    private static async Task<(long Events, long Catalog, long StorageWrites)> StoredState(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT (SELECT count(*) FROM customer_events WHERE event_type NOT IN ('request-answered-v1', 'device-seen-v1', 'account-step-up-code-rejected-v1')),
                   (SELECT count(*) FROM catalog_items),
                   (SELECT coalesce(sum(version), 0) FROM orleansstorage)
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<string> NewestEvents(NpgsqlDataSource database, long count)
    {
        await using var command = database.CreateCommand(
            "SELECT coalesce(string_agg(event_type, ', '), '') FROM (SELECT event_type FROM customer_events ORDER BY recorded_at DESC, sequence DESC LIMIT $1) newest");
        command.Parameters.AddWithValue(Math.Max(0, count));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every table row that holds one of the card numbers sent, as text or as UTF-8 inside binary payloads.</summary>
    private static async Task<List<string>> StoredCardNumbers(NpgsqlDataSource database)
    {
        var tables = new List<string>();
        await using (var list = database.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var found = new List<string>();
        foreach (var table in tables)
        {
            foreach (var number in HostileRequests.CardNumbers)
            {
                var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(number));
                await using var search = database.CreateCommand(
                    $"SELECT count(*) FROM \"{table}\" t WHERE position($1 in t::text) > 0 OR position($2 in t::text) > 0");
                search.Parameters.AddWithValue(number);
                search.Parameters.AddWithValue(hex);
                if ((long)(await search.ExecuteScalarAsync())! > 0)
                {
                    found.Add($"{table} holds {number}");
                }
            }
        }
        return found;
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
