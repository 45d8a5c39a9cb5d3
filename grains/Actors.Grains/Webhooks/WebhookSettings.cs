using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section: how silos deliver webhooks.</summary>
public sealed class WebhookSettings
{
    public const string Section = "Webhooks";

    /// <summary>How often each silo looks for deliveries that are due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a receiver has to answer; longer is a failed attempt, tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay after the first failure; it doubles with each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many deliveries a silo has under way at once.</summary>
    [Range(1, 1000)]
    public int MaxInFlight { get; set; } = 50;
}
