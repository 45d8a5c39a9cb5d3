namespace Actors.Bench;

internal static class CommandLine
{
    /// <summary>The value after <paramref name="name"/>, or the fallback; other arguments are ignored.</summary>
    public static string Value(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>
    /// <c>--warmup</c> seconds, 20 unless given: a freshly started platform needs about that long before tiered JIT has
    /// compiled its hot paths, and measured from 5 s it showed half its throughput and four times its p99.
    /// </summary>
    public static TimeSpan Warmup(string[] args) =>
        TimeSpan.FromSeconds(int.Parse(Value(args, "--warmup", "20"), System.Globalization.CultureInfo.InvariantCulture));
}
