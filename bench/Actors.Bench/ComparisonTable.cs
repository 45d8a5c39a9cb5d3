using System.Globalization;
using System.Text;

namespace Actors.Bench;

/// <summary>The comparison as markdown: one row per system and workload, each peer set against the platform's row above it.</summary>
internal sealed class ComparisonTable
{
    private readonly List<(string Workload, string System, RunResult? Result, long Connections, string? Note, bool IsPlatform)> rows = [];
    private readonly Dictionary<string, RunResult> platformRuns = [];

    /// <summary>A measured run; <paramref name="connections"/> is what the system's pools held at its end.</summary>
    public void Add(string workload, string system, RunResult result, long connections, bool isPlatform)
    {
        if (isPlatform)
        {
            platformRuns[workload] = result;
        }
        rows.Add((workload, system, result, connections, null, isPlatform));
    }

    /// <summary>A system that could not run the workload, and why.</summary>
    public void Skip(string workload, string system, string why) => rows.Add((workload, system, null, 0, why, false));

    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("| workload | system | ops/s | p50 ms | p99 ms | failed | app CPU ms/op | PostgreSQL CPU ms/op | connections | platform ÷ peer: ops/s | p50 | p99 |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        string? last = null;
        foreach (var (workload, system, result, connections, note, isPlatform) in rows)
        {
            var shownWorkload = workload == last ? "" : workload;
            last = workload;
            if (result is null)
            {
                text.AppendLine(Invariant($"| {shownWorkload} | {system} | {note} | | | | | | | | | |"));
                continue;
            }
            var ratios = !isPlatform && platformRuns.TryGetValue(workload, out var platform)
                ? Invariant($"{Ratio(platform.PerSecond, result.PerSecond)} | {Ratio(platform.Percentile(0.50), result.Percentile(0.50))} | {Ratio(platform.Percentile(0.99), result.Percentile(0.99))}")
                : " | | ";
            text.AppendLine(Invariant(
                $"| {shownWorkload} | {system} | {result.PerSecond:#,0} | {Ms(result.Percentile(0.50))} | {Ms(result.Percentile(0.99))} | {result.Failed:#,0} | {Ms(result.PerOperation(result.AppCpuMs))} | {Ms(result.PerOperation(result.DbCpuMs))} | {connections} | {ratios} |"));
        }
        return text.ToString();
    }

    /// <summary>Why operations failed, per system and workload, for the lines under the table.</summary>
    public IEnumerable<string> Failures() => rows
        .Where(row => row.Result is { Failed: > 0 })
        .Select(row => $"{row.Workload}, {row.System}: " + string.Join(", ", row.Result!.Failures.Select(f => $"{f.Value} × {f.Key}")));

    public static string Ms(double? ms) => ms switch
    {
        null or double.NaN => "–",
        < 10 => ms.Value.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => ms.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ms.Value.ToString("#,0", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double platform, double peer) =>
        double.IsNaN(platform) || double.IsNaN(peer) || peer == 0 ? "–" : (platform / peer).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
