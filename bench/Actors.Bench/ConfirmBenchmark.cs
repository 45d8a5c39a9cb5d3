using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>
/// Confirm throughput and latency: each concurrent device loops over "create a checkout of one line, confirm it"
/// against a customer in turn.
///   --scenario confirm [--customers 200] [--concurrency 32] [--seconds 30] [--warmup 20] [--postgres CONNECTION]
/// With <c>--postgres</c> it also counts PostgreSQL's transactions, commits and WAL flushes per payment.
/// </summary>
internal static class ConfirmBenchmark
{
    public static async Task Run(string[] args)
    {
        var options = BenchOptions.Parse(args);
        using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine($"Preparing {options.Customers} customers with a saved card ...");
        var operatorToken = await DevTokens.Issue(http, "operator", null);
        var customers = new Customer[options.Customers];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Customers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            customers[i] = await Customer.Create(http, operatorToken, i));

        Console.WriteLine($"Warming up for {options.Warmup.TotalSeconds:0} s, then measuring for {options.Duration.TotalSeconds:0} s with {options.Concurrency} concurrent devices ...");
        await Drive(customers, options.Concurrency, options.Warmup, record: null);
        var database = new DatabaseActivity(options.Postgres);
        var results = new Results();
        var before = await database.Read();
        var clock = Stopwatch.StartNew();
        await Drive(customers, options.Concurrency, options.Duration, results);
        var elapsed = clock.Elapsed;
        if (database.Enabled)
        {
            await Task.Delay(DatabaseActivity.StatisticsLag);
        }
        var after = await database.Read();
        results.Report(elapsed, options, DatabaseActivity.PerOperation(before, after, results.Payments, "payment"));
    }

    private static async Task Drive(Customer[] customers, int concurrency, TimeSpan duration, Results? record)
    {
        using var stop = new CancellationTokenSource(duration);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var customer = customers[(int)((uint)Interlocked.Increment(ref next) % customers.Length)];
                var (create, confirm, ok) = await customer.Pay();
                record?.Add(create, confirm, ok);
            }
        }));
    }

    private sealed record BenchOptions(string Url, int Customers, int Concurrency, TimeSpan Duration, TimeSpan Warmup, string? Postgres)
    {
        public static BenchOptions Parse(string[] args) => new(
            CommandLine.Value(args, "--url", "http://127.0.0.1:5080"),
            int.Parse(CommandLine.Value(args, "--customers", "200")),
            int.Parse(CommandLine.Value(args, "--concurrency", "32")),
            TimeSpan.FromSeconds(int.Parse(CommandLine.Value(args, "--seconds", "30"))),
            CommandLine.Warmup(args),
            CommandLine.Value(args, "--postgres", "") is { Length: > 0 } postgres ? postgres : null);
    }

    /// <summary>One customer's device: creates a checkout of one line and confirms it with the saved card.</summary>
    internal sealed class Customer(HttpClient http, string id, string token, string methodId)
    {
        private static readonly string Line = JsonSerializer.Serialize(new
        {
            lines = new[] { new { sku = PeerOperations.Sku, quantity = 1 } },
        });

        public static async Task<Customer> Create(HttpClient http, string operatorToken, int index)
        {
            var created = await Send(http, operatorToken, HttpMethod.Post, "/v1/customers",
                JsonSerializer.Serialize(new { displayName = $"Bench {index}", homeCurrency = "EUR", timeZone = "Europe/Berlin" }));
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var token = await DevTokens.Issue(http, "customer", id);
            // The merchant enrols the card: a customer would need a step-up for it.
            var method = await Send(http, operatorToken, HttpMethod.Post, $"/v1/customers/{id}/payment-methods",
                JsonSerializer.Serialize(new { token = "tok_visa", brand = "visa", last4 = "4242", expiryMonth = 12, expiryYear = 2030, billingCountry = "DE" }));
            var methodId = (await method.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            return new Customer(http, id, token, methodId);
        }

        /// <summary>
        /// Both steps of one payment; the times are each request's own latency. <paramref name="answered"/> sees every
        /// response (a scenario counting statuses).
        /// </summary>
        public async Task<(TimeSpan Create, TimeSpan Confirm, bool Succeeded)> Pay(Action<HttpResponseMessage>? answered = null)
        {
            var started = Stopwatch.GetTimestamp();
            var checkout = await Send(http, token, HttpMethod.Post, $"/v1/customers/{id}/checkouts", Line, idempotent: true);
            answered?.Invoke(checkout);
            var created = Stopwatch.GetElapsedTime(started);
            if (!checkout.IsSuccessStatusCode)
            {
                return (created, TimeSpan.Zero, false);
            }
            var checkoutId = (await checkout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            started = Stopwatch.GetTimestamp();
            var confirm = await Send(http, token, HttpMethod.Post, $"/v1/customers/{id}/checkouts/{checkoutId}/confirm",
                JsonSerializer.Serialize(new { paymentMethodId = methodId }), idempotent: true);
            answered?.Invoke(confirm);
            var confirmed = Stopwatch.GetElapsedTime(started);
            var ok = confirm.IsSuccessStatusCode
                && (await confirm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == "succeeded";
            return (created, confirmed, ok);
        }

        private static async Task<HttpResponseMessage> Send(HttpClient http, string token, HttpMethod method, string path, string json, bool idempotent = false)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Device-Id", "bench");
            request.Headers.Add("X-Channel", "web");
            if (idempotent)
            {
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            }
            var response = await http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }
    }

    private sealed class Results
    {
        private readonly Lock gate = new();
        private readonly List<double> creates = [];
        private readonly List<double> confirms = [];
        private int failures;

        public void Add(TimeSpan create, TimeSpan confirm, bool succeeded)
        {
            lock (gate)
            {
                creates.Add(create.TotalMilliseconds);
                if (succeeded)
                {
                    confirms.Add(confirm.TotalMilliseconds);
                }
                else
                {
                    failures++;
                }
            }
        }

        /// <summary>Payments that were attempted (each made its writes, whatever the outcome).</summary>
        public long Payments
        {
            get
            {
                lock (gate)
                {
                    return confirms.Count + failures;
                }
            }
        }

        public void Report(TimeSpan elapsed, BenchOptions options, string? database)
        {
            Console.WriteLine();
            Console.WriteLine($"customers {options.Customers}, concurrency {options.Concurrency}, measured {elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"confirmed payments: {confirms.Count} ({confirms.Count / elapsed.TotalSeconds:0} /s), failed or not succeeded: {failures}");
            Console.WriteLine($"confirm latency ms: {Samples.Percentiles(confirms)}");
            Console.WriteLine($"create  latency ms: {Samples.Percentiles(creates)}");
            if (database is not null)
            {
                Console.WriteLine(database);
            }
        }
    }
}
