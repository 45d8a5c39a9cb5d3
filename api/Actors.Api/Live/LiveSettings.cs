using System.ComponentModel.DataAnnotations;

namespace Actors.Api.Live;

/// <summary>Live-update settings of an API node (section <c>Live</c>).</summary>
public sealed class LiveSettings
{
    public const string Section = "Live";

    /// <summary>
    /// How often this node renews each of its customer subscriptions. It bounds how long a customer that moved to
    /// another silo goes unwatched, and must stay well under the grain's one-minute watcher expiry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:00:20")]
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(5);
}
