using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>
/// Live-update delivery: many SignalR connections to one API node, about four per customer, while a driver
/// changes the customers' carts over REST. Measures how long each CartChanged takes from the driver's request
/// to each connection, how many arrive per second, and whether any go missing.
///   --scenario live [--connections 1000] [--customers connections/4] [--rate 100 | --concurrency N]
///     [--seconds 30] [--warmup 20] [--open-parallelism 50] [--drain 10] [--api-pid PID] [--postgres CONNECTION]
/// </summary>
internal static class LiveBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = LiveOptions.Parse(args);
        using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };
        var api = new ProcessProbe(options.ApiPid);
        var bench = new ProcessProbe(Environment.ProcessId);

        Console.WriteLine($"Preparing {options.Customers} customers ...");
        var operatorToken = await DevTokens.Issue(http, "operator", null);
        var customers = new LiveCustomer[options.Customers];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Customers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            customers[i] = await CreateCustomer(http, operatorToken, i));

        var ledger = new LiveLedger();
        var idle = api.Sample();
        var watchers = Enumerable.Range(0, options.Connections)
            .Select(i => new LiveWatcher(options.Url, customers[i % customers.Length], ledger))
            .ToArray();
        // No connections at all is a baseline: what the cart changes cost without anyone watching.
        if (watchers.Length > 0)
        {
            Console.WriteLine($"Opening {watchers.Length} connections, {options.OpenParallelism} at a time ...");
            var opening = await Open(watchers, options.OpenParallelism);
            opening.Report(watchers.Length, idle, api.Sample());
            if (opening.Opened == 0)
            {
                await Close(watchers, options.OpenParallelism);
                return 1;
            }
        }

        var driver = new LiveDriver(http, customers, ledger);
        var drive = options.Concurrency > 0 ? $"concurrency {options.Concurrency}" : $"rate {options.Rate:0.#}/s";
        Console.WriteLine($"Changing carts ({drive}): warming up for {options.Warmup.TotalSeconds:0} s, then measuring for {options.Duration.TotalSeconds:0} s ...");
        await driver.Run(options, options.Warmup, measured: false);

        var database = new DatabaseActivity(options.Postgres);
        var databaseBefore = await database.Read();
        var apiBefore = api.Sample();
        var benchBefore = bench.Sample();
        var messagesBefore = ledger.CartMessages;
        var clock = Stopwatch.StartNew();
        await driver.Run(options, options.Duration, measured: true);
        var elapsed = clock.Elapsed;
        var messages = ledger.CartMessages - messagesBefore;
        var apiAfter = api.Sample();
        var benchAfter = bench.Sample();

        // Deliveries still on their way when the driver stops count, up to the drain limit.
        var drain = Stopwatch.StartNew();
        while (watchers.Sum(w => w.Received) < ledger.ExpectedDeliveries && drain.Elapsed < options.Drain)
        {
            await Task.Delay(50);
        }

        if (database.Enabled && drain.Elapsed < DatabaseActivity.StatisticsLag)
        {
            await Task.Delay(DatabaseActivity.StatisticsLag - drain.Elapsed);
        }
        var databaseAfter = await database.Read();

        new LiveReport(options, watchers, ledger, elapsed, messages, drain.Elapsed)
            .Print(apiBefore, apiAfter, benchBefore, benchAfter);
        if (DatabaseActivity.PerOperation(databaseBefore, databaseAfter, ledger.Changes, "cart change") is { } perChange)
        {
            Console.WriteLine(perChange);
        }
        await Close(watchers, options.OpenParallelism);
        return 0;
    }

    private static async Task<LiveCustomer> CreateCustomer(HttpClient http, string operatorToken, int index)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/customers")
        {
            Content = JsonContent.Create(new { displayName = $"Live {index}", homeCurrency = "EUR", timeZone = "Europe/Berlin" }),
        };
        create.Headers.Authorization = new("Bearer", operatorToken);
        using var created = await http.SendAsync(create);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var token = await DevTokens.Issue(http, "customer", id);

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1/customers/{id}/cart");
        read.Headers.Authorization = new("Bearer", token);
        read.Headers.Add("X-Device-Id", "bench-driver");
        read.Headers.Add("X-Channel", "web");
        using var cart = await http.SendAsync(read);
        cart.EnsureSuccessStatusCode();
        return new LiveCustomer(index, id, token, LiveDriver.VersionOf(cart) ?? 0);
    }

    private static async Task<Opening> Open(LiveWatcher[] watchers, int parallelism)
    {
        var clock = Stopwatch.StartNew();
        var times = new List<double>();
        var errors = new Dictionary<string, int>();
        await Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (watcher, cancellationToken) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await watcher.Start(cancellationToken);
                lock (times)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    watcher.Customer.Connections++;
                }
            }
            catch (Exception e)
            {
                // Reported, not thrown: a benchmark that loses some connections still says how many and why.
                lock (times)
                {
                    var reason = $"{e.GetType().Name}: {e.Message}";
                    errors[reason] = errors.GetValueOrDefault(reason) + 1;
                }
            }
        });
        var opened = clock.Elapsed;

        // Joined means the hub sent Synced: the connection is in its customer's group.
        var open = watchers.Where(w => w.Customer.Connections > 0).Select(w => w.Synced.Task);
        await Task.WhenAny(Task.WhenAll(open), Task.Delay(TimeSpan.FromSeconds(30)));
        return new Opening(times, errors, opened, clock.Elapsed, watchers.Count(w => w.Synced.Task.IsCompleted));
    }

    private static Task Close(LiveWatcher[] watchers, int parallelism) =>
        Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (watcher, _) => await watcher.DisposeAsync());
}

internal sealed record LiveOptions(
    string Url, int Connections, int Customers, double Rate, int Concurrency,
    TimeSpan Duration, TimeSpan Warmup, int OpenParallelism, TimeSpan Drain, int? ApiPid, string? Postgres)
{
    public static LiveOptions Parse(string[] args)
    {
        var connections = int.Parse(CommandLine.Value(args, "--connections", "1000"));
        // About four devices per customer: a phone, a laptop, a tablet and a till seeing the same cart.
        var customers = int.Parse(CommandLine.Value(args, "--customers", Math.Max(1, connections / 4).ToString(CultureInfo.InvariantCulture)));
        var concurrency = int.Parse(CommandLine.Value(args, "--concurrency", "0"));
        var apiPid = CommandLine.Value(args, "--api-pid", "");
        var options = new LiveOptions(
            CommandLine.Value(args, "--url", "http://127.0.0.1:5080"),
            connections,
            customers,
            double.Parse(CommandLine.Value(args, "--rate", "100"), CultureInfo.InvariantCulture),
            // The driver keeps one change in flight per customer, so more devices than customers would only wait.
            Math.Min(concurrency, customers),
            TimeSpan.FromSeconds(int.Parse(CommandLine.Value(args, "--seconds", "30"))),
            CommandLine.Warmup(args),
            int.Parse(CommandLine.Value(args, "--open-parallelism", "50")),
            TimeSpan.FromSeconds(int.Parse(CommandLine.Value(args, "--drain", "10"))),
            int.TryParse(apiPid, out var pid) ? pid : null,
            CommandLine.Value(args, "--postgres", "") is { Length: > 0 } postgres ? postgres : null);
        return options;
    }
}

/// <summary>How opening the connections went.</summary>
internal sealed record Opening(List<double> Times, Dictionary<string, int> Errors, TimeSpan OpenedIn, TimeSpan SyncedIn, int SyncedCount)
{
    public int Opened => Times.Count;

    public void Report(int requested, ProcessSample? idle, ProcessSample? connected)
    {
        Console.WriteLine($"opened {Opened} of {requested} connections in {OpenedIn.TotalSeconds:0.0} s ({Opened / OpenedIn.TotalSeconds:0} /s), "
            + $"{SyncedCount} synced after {SyncedIn.TotalSeconds:0.0} s");
        Console.WriteLine($"  open (WebSocket + handshake) ms: {Samples.Percentiles(Times)}");
        foreach (var (reason, count) in Errors)
        {
            Console.WriteLine($"  failed {count}: {reason}");
        }
        if (idle is { } before && connected is { } after && Opened > 0)
        {
            Console.WriteLine($"  API working set {before.WorkingSetMb:0} MB before, {after.WorkingSetMb:0} MB connected "
                + $"({(after.WorkingSet - before.WorkingSet) / 1024.0 / Opened:0} KB per connection)");
        }
    }
}
