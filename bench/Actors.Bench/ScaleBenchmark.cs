using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Actors.Bench;

/// <summary>
/// A silo added and one removed while devices pay (the confirm scenario's loop), through the entry point of
/// <c>./start.sh --apis 2</c>. After <c>--add-at</c> seconds of the measured time the platform (<c>--platform-pid</c>) is
/// asked for one more silo (SIGUSR1); after <c>--remove-at</c> the first silo (<c>--silo-pid</c>) is stopped gracefully
/// (SIGTERM) and drains. Every answer is counted by phase: 2xx, 503 with Retry-After (the documented retry), and any other.
///   --scenario scale [--customers 200] [--concurrency 32] [--seconds 60] [--warmup 20] [--add-at 15] [--remove-at 35]
///     --platform-pid PID --platform-log FILE --silo-pid PID
/// Exits 1 when any answer was other than those two.
/// </summary>
internal static partial class ScaleBenchmark
{
    public const string Succeeded = "2xx";
    public const string RetryLater = "503 + Retry-After";

    public static async Task<int> Run(string[] args)
    {
        var url = CommandLine.Value(args, "--url", "http://127.0.0.1:5080");
        var customerCount = Number(args, "--customers", 200);
        var concurrency = Number(args, "--concurrency", 32);
        var duration = TimeSpan.FromSeconds(Number(args, "--seconds", 60));
        var addAt = TimeSpan.FromSeconds(Number(args, "--add-at", 15));
        var removeAt = TimeSpan.FromSeconds(Number(args, "--remove-at", 35));
        var platformPid = Number(args, "--platform-pid", 0);
        var siloPid = Number(args, "--silo-pid", 0);
        var platformLog = CommandLine.Value(args, "--platform-log", "");
        if (platformPid == 0 || siloPid == 0 || platformLog.Length == 0 || !(addAt < removeAt && removeAt < duration))
        {
            Console.Error.WriteLine("scale needs --platform-pid, --silo-pid and --platform-log (bench/run.sh gives them), and --add-at < --remove-at < --seconds.");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine($"Preparing {customerCount} customers with a saved card ...");
        var operatorToken = await DevTokens.Issue(http, "operator", null);
        var customers = new ConfirmBenchmark.Customer[customerCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, customerCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            customers[i] = await ConfirmBenchmark.Customer.Create(http, operatorToken, i));

        var warmup = CommandLine.Warmup(args);
        Console.WriteLine($"Warming up for {warmup.TotalSeconds:0} s on one silo, then {duration.TotalSeconds:0} s with {concurrency} devices: " +
            $"a silo added at {addAt.TotalSeconds:0} s, the first removed at {removeAt.TotalSeconds:0} s ...");
        await Drive(customers, concurrency, warmup, tally: null);

        var tally = new Tally("1 silo");
        var clock = Stopwatch.StartNew();
        var scaling = Scale(tally, clock, addAt, removeAt, platformPid, siloPid, platformLog);
        await Drive(customers, concurrency, duration, tally);
        await scaling;
        return tally.Report(clock.Elapsed, customerCount, concurrency);
    }

    private static async Task Scale(Tally tally, Stopwatch clock, TimeSpan addAt, TimeSpan removeAt, int platformPid, int siloPid, string platformLog)
    {
        await Task.Delay(Later(addAt, clock));
        var known = Silos(platformLog).Count;
        tally.Enter("adding a silo");
        Signal(platformPid, "USR1");
        while (Silos(platformLog).Count <= known)
        {
            await Task.Delay(200);
        }
        var metricsPort = Silos(platformLog)[^1];
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var asked = clock.Elapsed;
        while (!await IsReady(probe, metricsPort))
        {
            await Task.Delay(200);
        }
        Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s: the added silo is ready ({(clock.Elapsed - asked).TotalSeconds:0.0} s after it was asked for)");
        tally.Enter("2 silos");

        await Task.Delay(Later(removeAt, clock));
        tally.Enter("first silo draining");
        var stopping = clock.Elapsed;
        Signal(siloPid, "TERM");
        while (IsRunning(siloPid))
        {
            await Task.Delay(100);
        }
        Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s: the first silo has stopped ({(clock.Elapsed - stopping).TotalSeconds:0.0} s of drain)");
        tally.Enter("the added silo alone");
    }

    /// <summary>How long until <paramref name="at"/>; nothing when a slow start has passed it already.</summary>
    private static TimeSpan Later(TimeSpan at, Stopwatch clock) => at > clock.Elapsed ? at - clock.Elapsed : TimeSpan.Zero;

    private static async Task Drive(ConfirmBenchmark.Customer[] customers, int concurrency, TimeSpan duration, Tally? tally)
    {
        using var stop = new CancellationTokenSource(duration);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var customer = customers[(int)((uint)Interlocked.Increment(ref next) % customers.Length)];
                try
                {
                    await customer.Pay(tally is null ? null : tally.Add);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    tally?.Add(e.GetType().Name);
                }
            }
        }));
    }

    /// <summary>The metrics ports of the silos the platform has started so far, in order (from the lines it prints).</summary>
    private static List<int> Silos(string platformLog)
    {
        using var stream = new FileStream(platformLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. SiloLine().Matches(reader.ReadToEnd()).Select(match => int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture))];
    }

    private static async Task<bool> IsReady(HttpClient probe, int metricsPort)
    {
        try
        {
            return (await probe.GetAsync($"http://127.0.0.1:{metricsPort}/health/ready")).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>False once the process has ended (gone, or a zombie its parent has not reaped yet).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int Number(string[] args, string name, int fallback) =>
        int.Parse(CommandLine.Value(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Silo \d+: .*metrics http://127\.0\.0\.1:(?<port>\d+)/metrics", RegexOptions.Multiline)]
    private static partial Regex SiloLine();

    /// <summary>Answers by phase and kind; the phase changes as the silos do.</summary>
    private sealed class Tally(string first)
    {
        private readonly Lock gate = new();
        private readonly List<(string Phase, Dictionary<string, int> Counts)> phases = [(first, [])];

        public void Enter(string phase)
        {
            lock (gate)
            {
                phases.Add((phase, []));
            }
        }

        public void Add(HttpResponseMessage response) => Add(response switch
        {
            { IsSuccessStatusCode: true } => Succeeded,
            { StatusCode: HttpStatusCode.ServiceUnavailable, Headers.RetryAfter: not null } => RetryLater,
            _ => ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
        });

        public void Add(string kind)
        {
            lock (gate)
            {
                var counts = phases[^1].Counts;
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }

        public int Report(TimeSpan elapsed, int customers, int concurrency)
        {
            Console.WriteLine();
            Console.WriteLine($"customers {customers}, concurrency {concurrency}, measured {elapsed.TotalSeconds:0.0} s; requests (create and confirm) by answer:");
            var total = new Dictionary<string, int>();
            foreach (var (phase, counts) in phases)
            {
                Console.WriteLine($"  {phase,-22} {Describe(counts)}");
                foreach (var (kind, count) in counts)
                {
                    total[kind] = total.GetValueOrDefault(kind) + count;
                }
            }
            Console.WriteLine($"  {"all",-22} {Describe(total)}");
            var other = total.Where(pair => pair.Key is not (Succeeded or RetryLater)).Sum(pair => pair.Value);
            Console.WriteLine($"other than 2xx or 503 + Retry-After: {other}");
            return other == 0 ? 0 : 1;
        }

        private static string Describe(Dictionary<string, int> counts) =>
            $"{Succeeded} {counts.GetValueOrDefault(Succeeded)}, {RetryLater} {counts.GetValueOrDefault(RetryLater)}" +
            string.Concat(counts.Where(pair => pair.Key is not (Succeeded or RetryLater)).OrderBy(pair => pair.Key).Select(pair => $", {pair.Key} {pair.Value}"));
    }
}
