using System.Diagnostics;

namespace Actors.Bench;

/// <summary>What one measured run of one operation against one system came to.</summary>
internal sealed record RunResult(
    long Succeeded, TimeSpan Elapsed, List<double> Latencies, IReadOnlyDictionary<string, int> Failures, double? AppCpuMs, double DbCpuMs)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public int Failed => Failures.Values.Sum();

    /// <summary>The latency at <paramref name="fraction"/> of the sorted samples, in ms; NaN without samples.</summary>
    public double Percentile(double fraction) =>
        Latencies.Count == 0 ? double.NaN : Latencies[Math.Min(Latencies.Count - 1, (int)(fraction * Latencies.Count))];

    /// <summary>CPU time per successful operation, in ms.</summary>
    public double? PerOperation(double? cpuMs) => cpuMs is { } ms && Succeeded > 0 ? ms / Succeeded : null;
}

/// <summary>
/// A closed loop: each of the concurrent devices sends its next operation when the last one is answered, against
/// a customer the picker chooses, first for the warm-up (discarded), then for the measured time. Operations still
/// in flight at the end are waited for and counted, and the elapsed time includes them.
/// </summary>
internal sealed class LoadRunner(int concurrency, TimeSpan warmup, TimeSpan duration, Func<Task> beforeEach)
{
    public async Task<RunResult> Run(Operation operation, Func<BenchCustomer> pick, CpuProbe cpu)
    {
        await beforeEach();
        await Drive(operation, pick, warmup);

        var before = cpu.Sample();
        var clock = Stopwatch.StartNew();
        var devices = await Drive(operation, pick, duration);
        var elapsed = clock.Elapsed;
        var after = cpu.Sample();

        var latencies = devices.SelectMany(d => d.Latencies).ToList();
        latencies.Sort();
        var failures = devices.SelectMany(d => d.Failures)
            .GroupBy(f => f.Key)
            .ToDictionary(g => g.Key, g => g.Sum(f => f.Value));
        return new RunResult(latencies.Count, elapsed, latencies, failures,
            after.AppMs is { } a1 && before.AppMs is { } a0 ? a1 - a0 : null, after.DbMs - before.DbMs);
    }

    private async Task<Device[]> Drive(Operation operation, Func<BenchCustomer> pick, TimeSpan length)
    {
        using var stop = new CancellationTokenSource(length);
        var devices = Enumerable.Range(0, concurrency).Select(_ => new Device()).ToArray();
        await Task.WhenAll(devices.Select(device => device.Loop(operation, pick, stop.Token)));
        return devices;
    }

    /// <summary>One device's own samples, merged only at the end, so devices never wait on each other to record.</summary>
    private sealed class Device
    {
        public List<double> Latencies { get; } = [];
        public Dictionary<string, int> Failures { get; } = [];

        public async Task Loop(Operation operation, Func<BenchCustomer> pick, CancellationToken stop)
        {
            // Off the caller's thread at once, so all devices start together.
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    failure = await operation(pick());
                }
                catch (Exception e)
                {
                    // Counted, not thrown: a run that loses some requests still says how many and why.
                    failure = e.GetType().Name;
                }
                if (failure is null)
                {
                    Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Failures[failure] = Failures.GetValueOrDefault(failure) + 1;
                }
            }
        }
    }
}

/// <summary>
/// CPU time of a system's own processes (by id) and of the PostgreSQL server: its postmaster and every process it
/// started, read from /proc (without a postmaster id, every process named postgres). A server process that ends
/// between two samples (an autovacuum worker, a closed connection's backend) is still counted: its time moves to the
/// postmaster's count of its ended children, which is added in.
/// </summary>
internal sealed class CpuProbe(IReadOnlyList<int> pids, int? postmaster)
{
    // Linux reports process times in clock ticks of 1/100 s on every common build (USER_HZ).
    private const double MsPerTick = 10;

    public (double? AppMs, double DbMs) Sample()
    {
        double? app = pids.Count == 0 ? null : 0;
        foreach (var pid in pids)
        {
            app += (Stat(pid)?.Ticks ?? 0) * MsPerTick;
        }
        var db = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat
                && (postmaster is { } server ? pid == server || stat.Parent == server : stat.Command == "postgres"))
            {
                db += (pid == postmaster ? stat.Ticks + stat.EndedChildrenTicks : stat.Ticks) * MsPerTick;
            }
        }
        return (app, db);
    }

    /// <summary>
    /// Name, parent, user plus system time of a process, and that of its children that ended and were waited for;
    /// null when it has gone.
    /// </summary>
    private static (string Command, int Parent, long Ticks, long EndedChildrenTicks)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return (stat[(open + 1)..close], int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]),
                long.Parse(fields[13]) + long.Parse(fields[14]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
