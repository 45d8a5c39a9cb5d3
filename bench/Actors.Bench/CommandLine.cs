namespace Actors.Bench;

internal static class CommandLine
{
    /// <summary>The value after <paramref name="name"/>, or the fallback; other arguments are ignored.</summary>
    public static string Value(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
