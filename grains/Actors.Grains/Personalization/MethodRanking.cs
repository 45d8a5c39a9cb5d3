using System.Collections.Immutable;
using Actors.Grains.Wallets;

namespace Actors.Grains.Personalization;

/// <summary>A payment that succeeded with a saved method: the only evidence the personalized ranking learns from.</summary>
public readonly record struct MethodSuccess(string MethodId, DateTimeOffset At);

/// <summary>
/// The order a checkout offers saved methods in. Usable cards come before expired ones and the customer's own choice
/// of preferred card comes first in both orders: those are the customer's settings, not inferences. Below that, the
/// neutral order is newest saved first and reads no history; the personalized order puts the cards the customer paid
/// with most often and most recently first.
/// </summary>
public static class MethodRanking
{
    /// <summary>Successes older than this no longer count.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(180);

    /// <summary>A success counts half as much after this long, so a card used often long ago yields to one used lately.</summary>
    public static readonly TimeSpan HalfLife = TimeSpan.FromDays(30);

    public static ImmutableList<PaymentMethod> Neutral(Wallet wallet, DateTimeOffset now) => wallet.Methods
        .OrderBy(method => method.IsExpiredAt(now))
        .ThenByDescending(method => method.Id == wallet.PreferredId)
        .ThenByDescending(method => method.AddedAt)
        .ThenBy(method => method.Id, StringComparer.Ordinal)
        .ToImmutableList();

    /// <summary>The personalized order, and a plain-language reason for each method that the customer's history moved.</summary>
    public static (ImmutableList<PaymentMethod> Methods, ImmutableList<string> Reasons) ByOwnSuccesses(
        Wallet wallet, IEnumerable<MethodSuccess> successes, DateTimeOffset now)
    {
        var counted = successes
            .Where(success => success.At <= now && now - success.At <= Lookback)
            .GroupBy(success => success.MethodId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (
                Score: group.Sum(success => Math.Pow(0.5, (now - success.At) / HalfLife)),
                Count: group.Count(),
                Last: group.Max(success => success.At)), StringComparer.Ordinal);
        var ranked = wallet.Methods
            .OrderBy(method => method.IsExpiredAt(now))
            .ThenByDescending(method => method.Id == wallet.PreferredId)
            .ThenByDescending(method => counted.TryGetValue(method.Id, out var use) ? use.Score : 0)
            .ThenByDescending(method => method.AddedAt)
            .ThenBy(method => method.Id, StringComparer.Ordinal)
            .ToImmutableList();
        var reasons = ranked
            .Where(method => counted.ContainsKey(method.Id) && !method.IsExpiredAt(now))
            .Select(method => Reason(method, counted[method.Id].Count, counted[method.Id].Last, now))
            .ToImmutableList();
        return (ranked, reasons);
    }

    private static string Reason(PaymentMethod method, int count, DateTimeOffset last, DateTimeOffset now) =>
        $"{Brand(method.Brand)} ending {method.Last4} is offered early because you paid with it {Times(count)} in the last " +
        $"{Lookback.Days} days, most recently {Ago(now - last)}.";

    private static string Brand(string brand) => brand.Length == 0 ? "The card" : char.ToUpperInvariant(brand[0]) + brand[1..];

    private static string Times(int count) => count == 1 ? "once" : count == 2 ? "twice" : $"{count} times";

    private static string Ago(TimeSpan age) => age.TotalDays switch
    {
        < 1 => "today",
        < 2 => "yesterday",
        var days => $"{(int)days} days ago",
    };
}
