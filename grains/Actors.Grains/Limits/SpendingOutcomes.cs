namespace Actors.Grains.Limits;

/// <summary>How much of one window's cap is left, and when the window starts afresh.</summary>
[GenerateSerializer, Immutable, Alias("headroom-v1")]
public sealed record Headroom(
    [property: Id(0)] CapWindow Window,
    [property: Id(1)] long Cap,
    [property: Id(2)] long Spent,
    [property: Id(3)] long Remaining,
    [property: Id(4)] DateTimeOffset ResetsAt);

/// <summary>Whether an amount fits under every cap.</summary>
[GenerateSerializer, Immutable, Alias("cap-decision-v1")]
public abstract record CapDecision
{
    [GenerateSerializer, Immutable, Alias("cap-decision-allowed-v1")]
    public sealed record Allowed : CapDecision;

    /// <summary>The window that blocks the amount: of those it would exceed, the one with the least left.</summary>
    [GenerateSerializer, Immutable, Alias("cap-decision-exceeded-v1")]
    public sealed record Exceeded(
        [property: Id(0)] CapWindow Window,
        [property: Id(1)] long Cap,
        [property: Id(2)] long Remaining,
        [property: Id(3)] DateTimeOffset ResetsAt) : CapDecision;
}

/// <summary>The outcome of asking for new caps.</summary>
[GenerateSerializer, Immutable, Alias("limits-change-v1")]
public abstract record LimitsChange
{
    [GenerateSerializer, Immutable, Alias("limits-change-applied-v1")]
    public sealed record Applied([property: Id(0)] SpendingLimits Limits) : LimitsChange;

    /// <summary>Field errors keyed <c>daily</c>, <c>weekly</c>, <c>monthly</c>.</summary>
    [GenerateSerializer, Immutable, Alias("limits-change-invalid-v1")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : LimitsChange;
}

/// <summary>The outcome of asking for self-exclusion.</summary>
[GenerateSerializer, Immutable, Alias("exclusion-change-v1")]
public abstract record ExclusionChange
{
    [GenerateSerializer, Immutable, Alias("exclusion-change-applied-v1")]
    public sealed record Applied([property: Id(0)] SpendingLimits Limits) : ExclusionChange;

    /// <summary>The exclusion must last at least <see cref="SpendingPolicy.MinimumExclusion"/>; <see cref="Earliest"/> is the soonest end allowed.</summary>
    [GenerateSerializer, Immutable, Alias("exclusion-change-too-soon-v1")]
    public sealed record TooSoon([property: Id(0)] DateTimeOffset Earliest) : ExclusionChange;

    /// <summary>An exclusion in force can be extended, never shortened or lifted; it runs until <see cref="Current"/>.</summary>
    [GenerateSerializer, Immutable, Alias("exclusion-change-would-shorten-v1")]
    public sealed record WouldShorten([property: Id(0)] DateTimeOffset Current) : ExclusionChange;
}
