namespace Actors.Grains.Live;

/// <summary>
/// The highest event sequence number any activation of the customer may have handed out. Each activation claims
/// a fresh block above it before numbering anything, so numbers never repeat, even across silos and crashes.
/// </summary>
[GenerateSerializer, Immutable, Alias("live-state-v1")]
public sealed record LiveState
{
    /// <summary>How many numbers one write claims: a busy customer writes this row once per this many events.</summary>
    public const long BlockSize = 1000;

    [Id(0)] public long Ceiling { get; init; }
}
