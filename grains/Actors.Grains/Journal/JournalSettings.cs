using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Journal;

/// <summary>The <c>Journal</c> configuration section: how customers' journals are written.</summary>
public sealed class JournalSettings
{
    public const string Section = "Journal";

    /// <summary>
    /// A snapshot goes with the append that brings this many events since the last one (and one is taken on
    /// deactivation), so an activation replays at most this many events on top of it.
    /// </summary>
    [Range(1, 100_000)]
    public int SnapshotEvery { get; set; } = 500;
}
