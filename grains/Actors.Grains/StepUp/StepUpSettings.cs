using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.StepUp;

/// <summary>The <c>StepUp</c> configuration section: how long a customer's step-up stays fresh.</summary>
public sealed class StepUpSettings
{
    public const string Section = "StepUp";

    /// <summary>How long a step-up lets the device that made it make sensitive changes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan FreshFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a one-time code can be used.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
}
