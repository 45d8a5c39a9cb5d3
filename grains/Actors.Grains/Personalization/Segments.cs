using System.Collections.Immutable;

namespace Actors.Grains.Personalization;

/// <summary>
/// What segments are computed from: the customer's own settled payments, kept as running figures so a segment is
/// recomputed on every change without reading history. Amounts are in the caps' currency.
/// </summary>
[GenerateSerializer, Immutable, Alias("shopper-stats-v1")]
public sealed record ShopperStats
{
    /// <summary>How many recent purchases are kept for frequency and the usual amount.</summary>
    public const int Recent = 10;

    [Id(0)] public int Purchases { get; init; }

    /// <summary>Settled spend less refunds.</summary>
    [Id(1)] public long NetSpend { get; init; }
    [Id(2)] public DateTimeOffset? FirstPurchaseAt { get; init; }
    [Id(3)] public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>The most recent purchases, newest first, at most <see cref="Recent"/>.</summary>
    [Id(4)] public ImmutableList<Purchase> RecentPurchases { get; init; } = [];

    public static ShopperStats None { get; } = new();

    public ShopperStats WithPurchase(long amount, DateTimeOffset at) => this with
    {
        Purchases = Purchases + 1,
        NetSpend = checked(NetSpend + amount),
        FirstPurchaseAt = FirstPurchaseAt ?? at,
        LastPurchaseAt = LastPurchaseAt is { } last && last > at ? last : at,
        RecentPurchases = RecentPurchases.Insert(0, new Purchase(amount, at)).Take(Recent).ToImmutableList(),
    };

    public ShopperStats WithRefund(long amount) => this with { NetSpend = Math.Max(0, NetSpend - amount) };

    /// <summary>The median of the recent purchases; null with fewer than three, when there is no "usual" yet.</summary>
    public long? UsualAmount
    {
        get
        {
            if (RecentPurchases.Count < 3)
            {
                return null;
            }
            var sorted = RecentPurchases.Select(purchase => purchase.Amount).Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }
}

[GenerateSerializer, Immutable, Alias("purchase-v1")]
public sealed record Purchase([property: Id(0)] long Amount, [property: Id(1)] DateTimeOffset At);

public enum Segment
{
    New,
    Frequent,
    Lapsed,
    HighValue,
}

/// <summary>
/// Real-time segments from the customer's own figures. A customer can be in several (new and high-value) or none.
/// </summary>
public static class Segments
{
    public static readonly TimeSpan NewFor = TimeSpan.FromDays(30);
    public static readonly TimeSpan FrequentWithin = TimeSpan.FromDays(30);
    public const int FrequentPurchases = 4;
    public static readonly TimeSpan LapsedAfter = TimeSpan.FromDays(90);

    /// <param name="highValueSpend">Net spend, in the caps' currency, from which a customer is high-value.</param>
    public static ImmutableSortedSet<Segment> Of(ShopperStats stats, DateTimeOffset customerSince, long highValueSpend, DateTimeOffset now)
    {
        var segments = ImmutableSortedSet.CreateBuilder<Segment>();
        if (now - customerSince < NewFor)
        {
            segments.Add(Segment.New);
        }
        if (stats.RecentPurchases.Count(purchase => now - purchase.At <= FrequentWithin) >= FrequentPurchases)
        {
            segments.Add(Segment.Frequent);
        }
        if (stats.LastPurchaseAt is { } last && now - last > LapsedAfter)
        {
            segments.Add(Segment.Lapsed);
        }
        if (stats.NetSpend >= highValueSpend)
        {
            segments.Add(Segment.HighValue);
        }
        return segments.ToImmutable();
    }

    /// <summary>Why a customer is in <paramref name="segment"/>, in plain words.</summary>
    public static string Explain(Segment segment) => segment switch
    {
        Segment.New => $"joined less than {NewFor.Days} days ago",
        Segment.Frequent => $"bought at least {FrequentPurchases} times in the last {FrequentWithin.Days} days",
        Segment.Lapsed => $"last bought more than {LapsedAfter.Days} days ago",
        Segment.HighValue => "has spent a lot with the merchant",
        _ => throw new ArgumentOutOfRangeException(nameof(segment)),
    };
}
