using System.Collections.Immutable;

namespace Actors.Grains.Limits;

public enum CapWindow
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>A raise or removal of a cap waiting out its cooling-off; a null <see cref="Amount"/> removes the cap.</summary>
[GenerateSerializer, Immutable, Alias("pending-cap-v1")]
public sealed record PendingCap(
    [property: Id(0)] CapWindow Window,
    [property: Id(1)] long? Amount,
    [property: Id(2)] DateTimeOffset RequestedAt,
    [property: Id(3)] DateTimeOffset EffectiveAt);

/// <summary>A customer's spending caps (minor units of the caps' currency; null = no cap) and self-exclusion.</summary>
[GenerateSerializer, Immutable, Alias("spending-limits-v1")]
public sealed record SpendingLimits
{
    [Id(0)] public long? Daily { get; init; }
    [Id(1)] public long? Weekly { get; init; }
    [Id(2)] public long? Monthly { get; init; }
    [Id(3)] public ImmutableList<PendingCap> Pending { get; init; } = [];
    [Id(4)] public DateTimeOffset? ExcludedUntil { get; init; }

    public static SpendingLimits None { get; } = new();

    public long? CapOf(CapWindow window) => window switch
    {
        CapWindow.Daily => Daily,
        CapWindow.Weekly => Weekly,
        CapWindow.Monthly => Monthly,
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    public SpendingLimits WithCap(CapWindow window, long? amount) => window switch
    {
        CapWindow.Daily => this with { Daily = amount },
        CapWindow.Weekly => this with { Weekly = amount },
        CapWindow.Monthly => this with { Monthly = amount },
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}

/// <summary>The caps a customer asks for, all three at once; null = no cap for that window.</summary>
[GenerateSerializer, Immutable, Alias("cap-request-v1")]
public sealed record CapRequest(
    [property: Id(0)] long? Daily,
    [property: Id(1)] long? Weekly,
    [property: Id(2)] long? Monthly)
{
    public long? For(CapWindow window) => window switch
    {
        CapWindow.Daily => Daily,
        CapWindow.Weekly => Weekly,
        CapWindow.Monthly => Monthly,
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}

/// <summary>How much can still be spent in one window (all in the caps' currency), and when the window starts over.</summary>
[GenerateSerializer, Immutable, Alias("headroom-v1")]
public sealed record Headroom(
    [property: Id(0)] CapWindow Window,
    [property: Id(1)] long Cap,
    [property: Id(2)] long Spent,
    [property: Id(3)] long Remaining,
    [property: Id(4)] DateTimeOffset ResetsAt);
