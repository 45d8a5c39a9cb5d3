using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>The customers of both systems, each with a saved <c>tok_visa</c> card and one cap that is never reached.</summary>
internal static class PeerSetup
{
    /// <summary>10^12 minor units: a hot customer paying 12.50 a time would need 800 million payments to reach it.</summary>
    public const long Cap = 1_000_000_000_000;

    private const int Parallelism = 32;
    private const int SeedBatch = 5_000;

    /// <summary>Platform customers through its API, as a merchant's systems would enrol them: create, save a card, set a cap.</summary>
    public static async Task<BenchCustomer[]> PlatformCustomers(HttpClient platform, string operatorToken, int count)
    {
        var customers = new BenchCustomer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) =>
        {
            var id = await CreatePlatformCustomer(platform, operatorToken, i);
            var token = await DevTokens.Issue(platform, "customer", id);
            // The merchant enrols the card and cap: a customer would need a step-up for each.
            var (saved, method) = await PeerOperations.Send(platform, HttpMethod.Post, $"/v1/customers/{id}/payment-methods", operatorToken,
                JsonSerializer.Serialize(new { token = "tok_visa", brand = "visa", last4 = "4242", expiryMonth = 12, expiryYear = 2030, billingCountry = "DE" }));
            Expect(saved, 201, "saving a card");
            var (limited, _) = await PeerOperations.Send(platform, HttpMethod.Put, $"/v1/customers/{id}/limits", operatorToken,
                JsonSerializer.Serialize(new { daily = (long?)null, weekly = (long?)null, monthly = Cap }));
            Expect(limited, 200, "setting the cap");
            customers[i] = new BenchCustomer(id, token, method.GetProperty("id").GetString()!);
        });
        return customers;
    }

    /// <summary>A bare platform customer (no card, no cap): what the idle-memory workload activates.</summary>
    public static async Task<string> CreatePlatformCustomer(HttpClient platform, string operatorToken, int index)
    {
        var (created, body) = await PeerOperations.Send(platform, HttpMethod.Post, "/v1/customers", operatorToken,
            JsonSerializer.Serialize(new { displayName = $"Bench {index}", homeCurrency = "EUR", timeZone = "Europe/Berlin" }));
        Expect(created, 201, "creating a customer");
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Peer customers in bulk with SQL, then a token for each from the platform, which the peers accept.</summary>
    public static async Task<BenchCustomer[]> PeerCustomers(HttpClient peers, HttpClient platform, string operatorToken, int count)
    {
        var seeded = new List<JsonElement>();
        for (var done = 0; done < count; done += SeedBatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/customers")
            {
                Content = JsonContent.Create(new { count = Math.Min(SeedBatch, count - done), cap = Cap }),
            };
            request.Headers.Authorization = new("Bearer", operatorToken);
            using var response = await peers.SendAsync(request);
            Expect((int)response.StatusCode, 200, "seeding peer customers");
            seeded.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        }

        var customers = new BenchCustomer[seeded.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, seeded.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) =>
        {
            var id = seeded[i].GetProperty("customerId").GetString()!;
            customers[i] = new BenchCustomer(id, await DevTokens.Issue(platform, "customer", id), seeded[i].GetProperty("paymentMethodId").GetString()!);
        });
        return customers;
    }

    /// <summary>
    /// Gives every customer without one a checkout, through the system's own first step. A customer left without
    /// one is said here and shows in the run as failed reads, rather than ending the whole benchmark.
    /// </summary>
    public static async Task EnsureCheckouts(HttpClient http, string prefix, IEnumerable<BenchCustomer> customers)
    {
        var missing = 0;
        await Parallel.ForEachAsync(customers.Where(c => c.CheckoutId is null), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (customer, _) =>
            {
                if (!await PeerOperations.CreateCheckout(http, prefix, customer))
                {
                    Interlocked.Increment(ref missing);
                }
            });
        if (missing > 0)
        {
            Console.WriteLine($"  {missing} customers got no checkout at '{prefix}/'");
        }
    }

    private static int checkpointRefused;

    /// <summary>Starts a measurement with no dirty pages from the one before; a server that refuses is said once, then left alone.</summary>
    public static async Task Checkpoint(HttpClient peers, string operatorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/checkpoint");
        request.Headers.Authorization = new("Bearer", operatorToken);
        using var response = await peers.SendAsync(request);
        if (!response.IsSuccessStatusCode && Interlocked.Exchange(ref checkpointRefused, 1) == 0)
        {
            Console.WriteLine($"  (no checkpoint before the runs: the server answered {(int)response.StatusCode})");
        }
    }

    /// <summary>Client connections open at the server now: the peers' own, and the rest (the platform's pools).</summary>
    public static async Task<(long Peers, long Others)> Connections(HttpClient peers, string operatorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bench/connections");
        request.Headers.Authorization = new("Bearer", operatorToken);
        using var response = await peers.SendAsync(request);
        Expect((int)response.StatusCode, 200, "counting connections");
        var counts = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (counts.GetProperty("peers").GetInt64(), counts.GetProperty("others").GetInt64());
    }

    /// <summary>Has the peers close their idle pooled connections.</summary>
    public static async Task ReleaseConnections(HttpClient peers, string operatorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/release");
        request.Headers.Authorization = new("Bearer", operatorToken);
        using var response = await peers.SendAsync(request);
        Expect((int)response.StatusCode, 204, "releasing the peers' connections");
    }

    public static async Task<JsonElement> ServerSettings(HttpClient peers, string operatorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bench/server");
        request.Headers.Authorization = new("Bearer", operatorToken);
        using var response = await peers.SendAsync(request);
        Expect((int)response.StatusCode, 200, "reading the server's settings");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static void Expect(int status, int expected, string what)
    {
        if (status != expected)
        {
            throw new InvalidOperationException($"Setup failed: {what} answered {status}, not {expected}.");
        }
    }
}
