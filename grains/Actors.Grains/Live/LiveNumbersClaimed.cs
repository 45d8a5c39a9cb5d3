using Actors.Grains.Journal;

namespace Actors.Grains.Live;

/// <summary>
/// An activation claimed live sequence numbers up to <see cref="Ceiling"/>: the highest any activation of the customer
/// may hand out. Each activation claims a fresh block above the last claim before numbering anything, so numbers
/// never repeat, even across silos and crashes.
/// </summary>
[GenerateSerializer, Immutable, Alias("live-numbers-claimed-v1")]
public sealed record LiveNumbersClaimed([property: Id(0)] long Ceiling) : JournalEvent
{
    /// <summary>How many numbers one claim takes: a busy watched customer appends one claim per this many live events.</summary>
    public const long BlockSize = 1000;
}
