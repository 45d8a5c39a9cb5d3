using System.Collections.Immutable;

namespace Actors.Grains.Limits;

/// <summary>A raise or removal of a cap waiting out its cooling-off. A null <see cref="Amount"/> removes the cap.</summary>
[GenerateSerializer, Immutable, Alias("pending-cap-v1")]
public sealed record PendingCap(
    [property: Id(0)] CapWindow Window,
    [property: Id(1)] long? Amount,
    [property: Id(2)] DateTimeOffset RequestedAt,
    [property: Id(3)] DateTimeOffset EffectiveAt);

/// <summary>
/// A customer's spending controls: a cap per window (null = no cap), the raises and removals still cooling off, and
/// self-exclusion. Amounts are minor units of the customer's home currency. <see cref="SpendingPolicy"/> changes them.
/// </summary>
[GenerateSerializer, Immutable, Alias("spending-limits-v1")]
public sealed record SpendingLimits
{
    [Id(0)] public long? Daily { get; init; }
    [Id(1)] public long? Weekly { get; init; }
    [Id(2)] public long? Monthly { get; init; }

    /// <summary>At most one per window, in window order.</summary>
    [Id(3)] public ImmutableList<PendingCap> Pending { get; init; } = ImmutableList<PendingCap>.Empty;

    /// <summary>Every checkout is refused until this instant.</summary>
    [Id(4)] public DateTimeOffset? ExcludedUntil { get; init; }

    /// <summary>No caps, nothing pending, not excluded.</summary>
    public static SpendingLimits None { get; } = new();

    public long? CapOf(CapWindow window) => window switch
    {
        CapWindow.Daily => Daily,
        CapWindow.Weekly => Weekly,
        CapWindow.Monthly => Monthly,
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    internal SpendingLimits WithCap(CapWindow window, long? cap) => window switch
    {
        CapWindow.Daily => this with { Daily = cap },
        CapWindow.Weekly => this with { Weekly = cap },
        CapWindow.Monthly => this with { Monthly = cap },
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    // Value equality for the pending list too (ImmutableList compares by reference), so equal limits are equal after a
    // storage round trip and an unchanged result can be recognised.
    public bool Equals(SpendingLimits? other) =>
        other is not null
        && Daily == other.Daily
        && Weekly == other.Weekly
        && Monthly == other.Monthly
        && ExcludedUntil == other.ExcludedUntil
        && Pending.SequenceEqual(other.Pending);

    public override int GetHashCode() => HashCode.Combine(Daily, Weekly, Monthly, ExcludedUntil, Pending.Count);
}

/// <summary>The caps a customer asks for: a full statement of all three windows, null meaning no cap for that window.</summary>
[GenerateSerializer, Immutable, Alias("cap-request-v1")]
public sealed record CapRequest(
    [property: Id(0)] long? Daily,
    [property: Id(1)] long? Weekly,
    [property: Id(2)] long? Monthly)
{
    public long? CapOf(CapWindow window) => window switch
    {
        CapWindow.Daily => Daily,
        CapWindow.Weekly => Weekly,
        CapWindow.Monthly => Monthly,
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };
}
