using System.Globalization;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>
/// The platform against plain-SQL peers (bench/Actors.Peers) on the same PostgreSQL server, with the same load
/// generator, devices and customers' shape, one system at a time:
///   payments: uniform over the customers; platform and peer F create and confirm a checkout, peers A and B pay in one request
///   hot: every device pays for the same one customer
///   reads: profile by id (platform, peer R), and a checkout summary (platform, peer F)
///   memory: silo working set and GC heap per idle activated customer
///   --scenario peers --url PLATFORM --peers-url PEERS [--customers 10000] [--concurrency 64] [--seconds 20] [--warmup 20]
///     [--idle-customers 100000] [--workloads payments,hot,reads,memory] [--api-pid N --silo-pids N,M --peers-pid N --postgres-pid N]
///     [--gcdump dotnet-gcdump] [--counters dotnet-counters] [--command "how this was started"]
/// </summary>
internal static class PeersBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = PeersOptions.Parse(args);
        using var platform = Client(options.Url);
        using var peers = Client(options.PeersUrl);
        var operatorToken = await DevTokens.Issue(platform, "operator", null);
        var server = await PeerSetup.ServerSettings(peers, operatorToken);

        Console.WriteLine($"Preparing {options.Customers:#,0} customers and one hot customer on the platform and on the peers ...");
        var platformCustomers = await PeerSetup.PlatformCustomers(platform, operatorToken, options.Customers + 1);
        var peerCustomers = await PeerSetup.PeerCustomers(peers, platform, operatorToken, options.Customers + 1);
        var (platformHot, platformUniform) = (platformCustomers[^1], platformCustomers[..^1]);
        var (peerHot, peerUniform) = (peerCustomers[^1], peerCustomers[..^1]);

        var runner = new LoadRunner(options.Concurrency, options.Warmup, options.Duration, () => PeerSetup.Checkpoint(peers, operatorToken));
        var platformCpu = new CpuProbe([.. new[] { options.ApiPid }.OfType<int>(), .. options.SiloPids], options.PostgresPid);
        var peersCpu = new CpuProbe([.. new[] { options.PeersPid }.OfType<int>()], options.PostgresPid);

        var plan = new List<PlannedRun>();
        if (options.Runs("payments"))
        {
            var workload = Invariant($"payments/s, {options.Customers:#,0} customers, uniform");
            plan.Add(new(workload, "platform: create + confirm", true, PeerOperations.TwoStepPayment(platform, ""), Uniform(platformUniform)));
            plan.Add(new(workload, "peer A: conditional UPDATE + INSERT", false, PeerOperations.DirectPayment(peers, "/a"), Uniform(peerUniform)));
            plan.Add(new(workload, "peer B: SELECT FOR UPDATE, UPDATE, INSERT", false, PeerOperations.DirectPayment(peers, "/b"), Uniform(peerUniform)));
            plan.Add(new(workload, "peer F: create + confirm, 1 + 4 commits", false, PeerOperations.TwoStepPayment(peers, "/f"), Uniform(peerUniform)));
        }
        if (options.Runs("hot"))
        {
            const string workload = "payments/s, one hot customer";
            plan.Add(new(workload, "platform: create + confirm", true, PeerOperations.TwoStepPayment(platform, ""), () => platformHot));
            plan.Add(new(workload, "peer A: conditional UPDATE + INSERT", false, PeerOperations.DirectPayment(peers, "/a"), () => peerHot));
            plan.Add(new(workload, "peer B: SELECT FOR UPDATE, UPDATE, INSERT", false, PeerOperations.DirectPayment(peers, "/b"), () => peerHot));
            plan.Add(new(workload, "peer F: create + confirm, 1 + 4 commits", false, PeerOperations.TwoStepPayment(peers, "/f"), () => peerHot));
        }
        if (options.Runs("reads"))
        {
            var profiles = Invariant($"profile reads/s, {options.Customers:#,0} customers");
            plan.Add(new(profiles, "platform: GET /v1/customers/{id}", true, PeerOperations.ProfileRead(platform, ""), Uniform(platformUniform)));
            plan.Add(new(profiles, "peer R: SELECT by primary key", false, PeerOperations.ProfileRead(peers, "/r"), Uniform(peerUniform)));

            var summaries = Invariant($"checkout summary reads/s, {options.Customers:#,0} customers");
            plan.Add(new(summaries, "platform: GET …/checkouts/{chk}", true, PeerOperations.CheckoutRead(platform, ""), Uniform(platformUniform),
                async () =>
                {
                    await PeerSetup.EnsureCheckouts(platform, "", platformUniform);
                    // The summary endpoint may be missing from the build at hand: then say so rather than time 404s.
                    return await PeerOperations.CheckoutRead(platform, "")(platformUniform[0]) is { } failure ? $"not served by this build ({failure})" : null;
                }));
            plan.Add(new(summaries, "peer F: checkout row + cards", false, PeerOperations.CheckoutRead(peers, "/f"), Uniform(peerUniform),
                async () =>
                {
                    await PeerSetup.EnsureCheckouts(peers, "/f", peerUniform);
                    return null;
                }));
        }

        // All peer runs first, then the peers' pool is closed, then the platform's runs: pooled connections are given
        // back only after minutes idle, so otherwise one system's idle pool would hold max_connections slots the other needs.
        var outcomes = new Dictionary<PlannedRun, (RunResult? Result, string? Skipped, long Connections)>(ReferenceEqualityComparer.Instance);
        async Task Execute(PlannedRun run)
        {
            Console.WriteLine($"{run.Workload}, {run.System}: {options.Concurrency} devices, warm-up {options.Warmup.TotalSeconds:0} s, then {options.Duration.TotalSeconds:0} s ...");
            if (run.Prepare is not null && await run.Prepare() is { } skipped)
            {
                Console.WriteLine($"  skipped: {skipped}");
                outcomes[run] = (null, skipped, 0);
                return;
            }
            var result = await runner.Run(run.Operation, run.Pick, run.IsPlatform ? platformCpu : peersCpu);
            var connections = await PeerSetup.Connections(peers, operatorToken);
            var held = run.IsPlatform ? connections.Others : connections.Peers;
            Console.WriteLine(Invariant($"  {result.PerSecond:#,0}/s, p50 {ComparisonTable.Ms(result.Percentile(0.50))} ms, p99 {ComparisonTable.Ms(result.Percentile(0.99))} ms, failed {result.Failed}, {held} connections"));
            outcomes[run] = (result, null, held);
        }
        foreach (var run in plan.Where(run => !run.IsPlatform))
        {
            await Execute(run);
        }
        await PeerSetup.ReleaseConnections(peers, operatorToken);
        foreach (var run in plan.Where(run => run.IsPlatform))
        {
            await Execute(run);
        }

        var table = new ComparisonTable();
        foreach (var run in plan)
        {
            var (result, skipped, connections) = outcomes[run];
            if (result is null)
            {
                table.Skip(run.Workload, run.System, skipped!);
            }
            else
            {
                table.Add(run.Workload, run.System, result, connections, run.IsPlatform);
            }
        }

        MemoryResult? memory = null;
        string? memoryProblem = null;
        if (options.Runs("memory"))
        {
            if (options.SiloPids.Count == 0)
            {
                memoryProblem = "no silo process id given (--silo-pids)";
            }
            else
            {
                Console.WriteLine($"Activating {options.IdleCustomers:#,0} customers on the platform and measuring the silo ...");
                memory = await IdleMemory.Measure(platform, operatorToken, options.IdleCustomers, options.SiloPids, new IdleMemory.Tools(options.Gcdump, options.Counters));
            }
        }

        Report(options, server, table, memory, memoryProblem);
        return 0;
    }

    private static void Report(PeersOptions options, JsonElement server, ComparisonTable table, MemoryResult? memory, string? memoryProblem)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"### Platform and plain-SQL peers, {options.Concurrency} devices, {options.Duration.TotalSeconds:0} s each after {options.Warmup.TotalSeconds:0} s of warm-up"));
        Console.WriteLine();
        Console.Write(table.Render());
        Console.WriteLine();
        Console.WriteLine("A payment's latency is the whole payment: both requests where it takes two. App CPU is the API and silo for the platform, "
            + "the peers' process for a peer; connections are what the system's pools held at the end of its run. "
            + "All peer runs came first, then the peers' pool was closed, then the platform's runs came, so neither system's idle pool held connection slots the other needed.");
        foreach (var failure in table.Failures())
        {
            Console.WriteLine();
            Console.WriteLine($"Failed: {failure}");
        }
        if (memory is not null || memoryProblem is not null)
        {
            Console.WriteLine();
            Console.WriteLine("| idle activated customers | silo working set before → after | per customer | silo GC heap (live) before → after | per customer | created/s |");
            Console.WriteLine("|---|---|---|---|---|---|");
            if (memory is null)
            {
                Console.WriteLine($"| {options.IdleCustomers:#,0} | not measured: {memoryProblem} | | | | |");
            }
            else
            {
                var heap = memory.GcHeapPerCustomer is { } perCustomer
                    ? Invariant($"{Mb(memory.Before.GcHeapBytes!.Value):0.0} → {Mb(memory.After.GcHeapBytes!.Value):0.0} MB | {perCustomer:#,0} B")
                    : $"not measured: {memory.HeapProblem} | –";
                Console.WriteLine(Invariant(
                    $"| {memory.Customers:#,0} | {Mb(memory.Before.WorkingSetBytes):0.0} → {Mb(memory.After.WorkingSetBytes):0.0} MB | {memory.WorkingSetPerCustomer:#,0} B | {heap} | {memory.Customers / memory.CreatedIn.TotalSeconds:#,0} |"));
                Console.WriteLine();
                Console.WriteLine("Measured after all other runs; the GC heap is what a full collection leaves. "
                    + (memory.Customers < 10_000 ? "At this count the silo's own variation outweighs the customers: take these figures from 100,000." : ""));
                if (memory.GcHeapPerCustomer is not null && memory.HeapProblem is { } note)
                {
                    Console.WriteLine($"GC heap {note}.");
                }
            }
        }

        Console.WriteLine();
        var version = string.Join(' ', (server.GetProperty("version").GetString() ?? "").Split(' ').Take(2));
        Console.WriteLine(Invariant(
            $"Machine: {Environment.ProcessorCount} cores, {MemoryGiB():0.0} GiB memory; {version} (fsync {server.GetProperty("fsync").GetString()}, synchronous_commit {server.GetProperty("synchronousCommit").GetString()}, max_connections {server.GetProperty("maxConnections").GetString()}); ")
            + "load generator, API, silo, peers and PostgreSQL on the same machine.");
        if (options.Command is { Length: > 0 } command)
        {
            Console.WriteLine($"Command: `{command}`");
        }
    }

    private static Func<BenchCustomer> Uniform(BenchCustomer[] customers) => () => customers[Random.Shared.Next(customers.Length)];

    private static HttpClient Client(string url) => new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One system's run of one workload; <see cref="Prepare"/> readies it, or says why it cannot run.</summary>
internal sealed record PlannedRun(
    string Workload, string System, bool IsPlatform, Operation Operation, Func<BenchCustomer> Pick, Func<Task<string?>>? Prepare = null);

internal sealed record PeersOptions(
    string Url, string PeersUrl, int Customers, int Concurrency, TimeSpan Duration, TimeSpan Warmup, int IdleCustomers,
    IReadOnlySet<string> Workloads, int? ApiPid, IReadOnlyList<int> SiloPids, int? PeersPid, int? PostgresPid, string Gcdump, string Counters, string? Command)
{
    public static readonly string[] AllWorkloads = ["payments", "hot", "reads", "memory"];

    public bool Runs(string workload) => Workloads.Contains(workload);

    public static PeersOptions Parse(string[] args)
    {
        var workloads = CommandLine.Value(args, "--workloads", string.Join(',', AllWorkloads)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (workloads.Except(AllWorkloads).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown workload '{unknown}': use {string.Join(", ", AllWorkloads)}.");
        }
        return new PeersOptions(
            CommandLine.Value(args, "--url", "http://127.0.0.1:5080"),
            CommandLine.Value(args, "--peers-url", "http://127.0.0.1:5280"),
            int.Parse(CommandLine.Value(args, "--customers", "10000"), CultureInfo.InvariantCulture),
            int.Parse(CommandLine.Value(args, "--concurrency", "64"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(int.Parse(CommandLine.Value(args, "--seconds", "20"), CultureInfo.InvariantCulture)),
            CommandLine.Warmup(args),
            int.Parse(CommandLine.Value(args, "--idle-customers", "100000"), CultureInfo.InvariantCulture),
            workloads.ToHashSet(),
            Pid(args, "--api-pid"),
            [.. CommandLine.Value(args, "--silo-pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(pid => int.Parse(pid, CultureInfo.InvariantCulture))],
            Pid(args, "--peers-pid"),
            Pid(args, "--postgres-pid"),
            CommandLine.Value(args, "--gcdump", "dotnet-gcdump"),
            CommandLine.Value(args, "--counters", "dotnet-counters"),
            CommandLine.Value(args, "--command", "") is { Length: > 0 } command ? command : null);
    }

    private static int? Pid(string[] args, string name) =>
        int.TryParse(CommandLine.Value(args, name, ""), CultureInfo.InvariantCulture, out var pid) ? pid : null;
}
