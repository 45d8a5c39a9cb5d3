using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Actors.Bench;

/// <summary>The silos' memory at one moment: resident set from /proc, and the live GC heap right after a full collection.</summary>
internal sealed record MemorySnapshot(long WorkingSetBytes, long? GcHeapBytes);

internal sealed record MemoryResult(int Customers, MemorySnapshot Before, MemorySnapshot After, TimeSpan CreatedIn, string? HeapProblem)
{
    public double WorkingSetPerCustomer => (After.WorkingSetBytes - Before.WorkingSetBytes) / (double)Customers;

    public double? GcHeapPerCustomer => After.GcHeapBytes is { } after && Before.GcHeapBytes is { } before ? (after - before) / (double)Customers : null;
}

/// <summary>
/// Memory per idle activated customer: measures the silo, creates that many customers through the API (creating one
/// activates its grain, which then stays in memory until the silo's idle collection, minutes later), and measures again.
/// The GC heap is measured right after a full collection, so garbage does not count.
/// </summary>
internal static partial class IdleMemory
{
    /// <summary>Where the two .NET diagnostics tools are.</summary>
    public sealed record Tools(string Gcdump, string Counters);

    public static async Task<MemoryResult> Measure(HttpClient platform, string operatorToken, int count, IReadOnlyList<int> siloPids, Tools tools)
    {
        var (before, beforeProblem) = await Snapshot(siloPids, tools);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await PeerSetup.CreatePlatformCustomer(platform, operatorToken, i));
        var created = clock.Elapsed;
        var (after, afterProblem) = await Snapshot(siloPids, tools);
        return new MemoryResult(count, before, after, created, beforeProblem ?? afterProblem);
    }

    /// <summary>All silos together: the customers spread over them.</summary>
    private static async Task<(MemorySnapshot Snapshot, string? HeapProblem)> Snapshot(IReadOnlyList<int> pids, Tools tools)
    {
        long? heap = 0;
        string? problem = null;
        foreach (var pid in pids)
        {
            var (bytes, failed) = await GcHeap(pid, tools);
            heap += bytes;
            problem ??= failed;
        }
        return (new MemorySnapshot(pids.Sum(WorkingSet), heap), problem);
    }

    /// <summary>VmRSS of the process, in bytes.</summary>
    private static long WorkingSet(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// The live GC heap: dotnet-gcdump forces a full collection, then dotnet-counters reads what that collection
    /// left, every generation's size less its fragmentation. The dump's own total is the fallback: it can come out
    /// short on a large heap, whose events the runtime may drop.
    /// </summary>
    private static async Task<(long? Bytes, string? Problem)> GcHeap(int pid, Tools tools)
    {
        var stem = Path.Combine(Path.GetTempPath(), $"bench-silo-{pid}-{Guid.NewGuid():N}");
        var (dump, counters) = (stem + ".gcdump", stem + ".json");
        try
        {
            var (collected, collectOutput) = await RunTool(tools.Gcdump, "collect", "-p", Text(pid), "-o", dump);
            if (!collected || !File.Exists(dump))
            {
                return (null, $"dotnet-gcdump collect failed: {collectOutput.Trim()}");
            }
            var (read, readOutput) = await RunTool(tools.Counters, "collect", "-p", Text(pid), "--counters", "System.Runtime",
                "--duration", "00:00:03", "--format", "json", "-o", counters);
            if (read && File.Exists(counters) && LiveHeap(await File.ReadAllTextAsync(counters)) is { } live)
            {
                return (live, null);
            }

            var (reported, report) = await RunTool(tools.Gcdump, "report", dump);
            return reported && DumpTotal().Match(report) is { Success: true } total
                ? (long.Parse(total.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture),
                    $"from the dump's total; dotnet-counters gave nothing ({readOutput.Trim()})")
                : (null, $"neither dotnet-counters nor dotnet-gcdump report gave a heap size: {readOutput.Trim()} {report.Trim()}");
        }
        finally
        {
            File.Delete(dump);
            File.Delete(counters);
        }
    }

    /// <summary>From dotnet-counters' JSON: the last value of each generation's size, less each one's fragmentation.</summary>
    private static long? LiveHeap(string json)
    {
        var size = new Dictionary<string, long>();
        var fragmentation = new Dictionary<string, long>();
        using var document = JsonDocument.Parse(json);
        foreach (var sample in document.RootElement.GetProperty("Events").EnumerateArray())
        {
            var name = sample.GetProperty("name").GetString() ?? "";
            var generation = sample.TryGetProperty("tags", out var tags) ? tags.GetString() ?? "" : "";
            var value = (long)sample.GetProperty("value").GetDouble();
            if (name.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal))
            {
                size[generation] = value;
            }
            else if (name.StartsWith("dotnet.gc.last_collection.heap.fragmentation.size", StringComparison.Ordinal))
            {
                fragmentation[generation] = value;
            }
        }
        return size.Count == 0 ? null : size.Values.Sum() - fragmentation.Values.Sum();
    }

    private static string Text(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static async Task<(bool Ok, string Output)> RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode == 0, await output + await errors);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"{tool}: {e.Message}");
        }
    }

    // The report's first line, e.g. "     41,578,661  GC Heap bytes".
    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex DumpTotal();
}
