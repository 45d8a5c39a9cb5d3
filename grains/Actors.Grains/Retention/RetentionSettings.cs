using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Retention;

/// <summary>
/// The <c>Retention</c> configuration section: how long each kind of data is kept before the sweep removes it.
/// Money itself (amounts, currencies, ids, outcomes) is kept for accounting; what ages out is what can name a person.
/// </summary>
public sealed class RetentionSettings
{
    public const string Section = "Retention";

    /// <summary>Devices and tills not seen for this long are forgotten, with every sighting of them in the journal.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Sessions { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// Idempotency records older than this are removed from the journal. Never under the 24 hours a retry is promised
    /// its first answer in.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan IdempotencyRecords { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Free text in money events (checkout and payment descriptions, refund reasons) and the country a checkout came
    /// from are removed after this long; the amounts stay.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan MoneyEventPersonalData { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Audit entries (consent, limits, merges) older than this are removed; the chain stays checkable from the oldest kept.</summary>
    [Range(typeof(TimeSpan), "30.00:00:00", "7300.00:00:00")]
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(2555);

    /// <summary>How often the sweep runs (a reminder of one grain for the whole cluster).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many customers one pass of the sweep asks the journal for at a time.</summary>
    [Range(1, 10_000)]
    public int SweepBatch { get; set; } = 500;

    /// <summary>The moments before which each kind has aged out, as of <paramref name="now"/>.</summary>
    public RetentionCutoffs CutoffsAt(DateTimeOffset now) =>
        new(now - Sessions, now - IdempotencyRecords, now - MoneyEventPersonalData, now - Audit);
}

/// <summary>For each kind of data, the moment before which it has aged out.</summary>
[GenerateSerializer, Immutable, Alias("retention-cutoffs-v1")]
public sealed record RetentionCutoffs(
    [property: Id(0)] DateTimeOffset Sessions,
    [property: Id(1)] DateTimeOffset IdempotencyRecords,
    [property: Id(2)] DateTimeOffset MoneyEventPersonalData,
    [property: Id(3)] DateTimeOffset Audit);
