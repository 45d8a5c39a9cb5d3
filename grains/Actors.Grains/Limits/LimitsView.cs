using System.Collections.Immutable;

namespace Actors.Grains.Limits;

/// <summary>A customer's caps as they stand now, the changes waiting out their cooling-off, and the headroom left.</summary>
[GenerateSerializer, Immutable, Alias("limits-view-v1")]
public sealed record LimitsView(
    [property: Id(0)] string Currency,
    [property: Id(1)] long? Daily,
    [property: Id(2)] long? Weekly,
    [property: Id(3)] long? Monthly,
    [property: Id(4)] ImmutableList<PendingCap> Pending,
    [property: Id(5)] DateTimeOffset? ExcludedUntil,
    [property: Id(6)] ImmutableList<Headroom> Headroom);

[GenerateSerializer, Immutable, Alias("limits-result")]
public abstract record LimitsResult
{
    [GenerateSerializer, Immutable, Alias("limits-result-current")]
    public sealed record Current([property: Id(0)] LimitsView Limits) : LimitsResult;

    [GenerateSerializer, Immutable, Alias("limits-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : LimitsResult;

    [GenerateSerializer, Immutable, Alias("limits-result-exclusion-too-soon")]
    public sealed record ExclusionTooSoon([property: Id(0)] DateTimeOffset Earliest) : LimitsResult;

    [GenerateSerializer, Immutable, Alias("limits-result-exclusion-would-shorten")]
    public sealed record ExclusionWouldShorten([property: Id(0)] DateTimeOffset Until) : LimitsResult;

    /// <summary>Raising or removing a cap needs a fresh step-up by <see cref="Method"/>; nothing changed.</summary>
    [GenerateSerializer, Immutable, Alias("limits-result-step-up-required")]
    public sealed record StepUpRequired([property: Id(0)] string Method) : LimitsResult;

    [GenerateSerializer, Immutable, Alias("limits-result-customer-not-found")]
    public sealed record CustomerNotFound : LimitsResult;
}

/// <summary>
/// One change of the spending controls, as the journal holds it: the caps (pending raises included) it left, at
/// <see cref="At"/>, and whether it was a self-exclusion.
/// </summary>
[GenerateSerializer, Immutable, Alias("limit-change-v1")]
public sealed record LimitChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool SelfExclusion,
    [property: Id(3)] SpendingLimits Limits,
    [property: Id(4)] string CapCurrency);

/// <summary>The caps now and, read from the journal up to the same event, every change of them, newest first.</summary>
[GenerateSerializer, Immutable, Alias("limits-history-v1")]
public sealed record LimitsHistory([property: Id(0)] LimitsView Current, [property: Id(1)] ImmutableList<LimitChange> Changes);
