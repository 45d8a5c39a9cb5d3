using System.Globalization;
using System.Text.Json.Serialization;
using Actors.Api.Limits;
using Actors.Grains.Consent;
using Actors.Grains.Erasure;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Merge;
using Actors.Grains.Payments;
using Actors.Grains.Support;

namespace Actors.Api.Audit;

/// <summary>What an audit entry changed, in one of the shapes below; the trail lists it and a receipt signs it.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConsentChange), "consent")]
[JsonDerivedType(typeof(LimitsChange), "limits")]
[JsonDerivedType(typeof(SelfExclusionChange), "self-exclusion")]
[JsonDerivedType(typeof(MergeChange), "merge")]
[JsonDerivedType(typeof(SupportAccessChange), "support-access")]
[JsonDerivedType(typeof(ErasureChange), "erasure")]
public abstract record AuditChange;

/// <summary>Consent to <see cref="Purpose"/> granted or withdrawn under a policy version, through a channel and device.</summary>
public sealed record ConsentChange(string Purpose, bool Granted, string PolicyVersion, string Channel, string? DeviceId) : AuditChange;

/// <summary>One window's cap before and after (null: no cap).</summary>
public sealed record CapChange(string Window, long? From, long? To);

/// <summary>The caps that changed at once, and the raises or removals cooling off after the change, in <see cref="Currency"/>.</summary>
public sealed record LimitsChange(string Currency, CapChange[] Caps, PendingCapView[] Pending) : AuditChange;

/// <summary>Self-exclusion set until <see cref="Until"/> (it was until <see cref="From"/>, or not excluded).</summary>
public sealed record SelfExclusionChange(DateTimeOffset? From, DateTimeOffset? Until) : AuditChange;

/// <summary>A step of a merge (<c>started</c>, <c>merged-into</c>, <c>completed</c>, <c>cancelled</c>) with the other customer.</summary>
public sealed record MergeChange(string Step, string OtherCustomer) : AuditChange;

/// <summary>Support (<see cref="Reader"/>, the token's subject) read <see cref="What"/> of the customer.</summary>
public sealed record SupportAccessChange(string Reader, string What) : AuditChange;

/// <summary>A step of an erasure (<c>started</c>, asked by <see cref="By"/>, or <c>completed</c>).</summary>
public sealed record ErasureChange(string Step, string? By) : AuditChange;

/// <summary>
/// Turns audit entries into what the trail and receipts say: the change, structured, and one line of text. Computed on
/// read from the opened event, so nothing readable is stored beside the sealed payload. An entry of a kind without a
/// description here (or whose payload no longer opens) is listed by its kind alone.
/// </summary>
public static class AuditDescriptions
{
    /// <summary>What support sees instead of a device id.</summary>
    public const string MaskedDevice = "***";

    /// <summary>What <paramref name="entry"/> changed; with <paramref name="masked"/>, the device that made it is hidden.</summary>
    public static AuditChange? Change(AuditRecord entry, bool masked) => entry.Event switch
    {
        ConsentRecorded consent => new ConsentChange(ConsentPurposes.NameOf(consent.Purpose), consent.Granted, consent.PolicyVersion, consent.Channel,
            masked && consent.DeviceId is not null ? MaskedDevice : consent.DeviceId),
        CapsSet caps => Limits(caps.Limits, caps.CapCurrency, LimitsOf(entry.PreviousLimits)),
        SelfExclusionSet exclusion => new SelfExclusionChange(LimitsOf(entry.PreviousLimits).ExcludedUntil, exclusion.Limits.ExcludedUntil),
        MergeStarted started => new MergeChange("started", started.From),
        MergedInto merged => new MergeChange("merged-into", merged.Survivor),
        MergeCompleted completed => new MergeChange("completed", completed.From),
        MergeCancelled cancelled => new MergeChange("cancelled", cancelled.From),
        SupportAccessed access => new SupportAccessChange(access.Reader, access.What),
        ErasureStarted started => new ErasureChange("started", started.By.ToString().ToLowerInvariant()),
        CustomerErased => new ErasureChange("completed", null),
        _ => null,
    };

    /// <summary>Through which channel and from which device the change came, when the entry records them.</summary>
    public static (string? Channel, string? DeviceId) Origin(AuditRecord entry, bool masked)
    {
        var (channel, device) = entry.Event switch
        {
            ConsentRecorded consent => (consent.Channel, consent.DeviceId),
            CapsSet caps => (caps.Channel, caps.DeviceId),
            SelfExclusionSet exclusion => (exclusion.Channel, exclusion.DeviceId),
            _ => (null, null),
        };
        return (channel, masked && device is not null ? MaskedDevice : device);
    }

    /// <summary>One line saying what changed.</summary>
    public static string Summary(string kind, AuditChange? change) => change switch
    {
        ConsentChange consent => $"{consent.Purpose} {(consent.Granted ? "granted" : "withdrawn")} via {consent.Channel} under policy {consent.PolicyVersion}",
        LimitsChange limits => string.Join("; ", limits.Caps.Select(cap => $"{cap.Window} cap {Amount(cap.From)} → {Amount(cap.To)}")
            .Concat(limits.Pending.Select(pending => $"{pending.Window} cap {Amount(pending.Amount)} pending until {Instant(pending.EffectiveAt)}"))
            .DefaultIfEmpty("caps unchanged")) + $" ({limits.Currency})",
        SelfExclusionChange exclusion => $"self-excluded until {Instant(exclusion.Until)}",
        MergeChange { Step: "merged-into" } merge => $"merged into {merge.OtherCustomer}",
        MergeChange merge => $"merge of {merge.OtherCustomer} {merge.Step}",
        SupportAccessChange access => $"Support ({access.Reader}) opened the {access.What}",
        ErasureChange { Step: "started" } erasure => $"erasure started by the {erasure.By}",
        ErasureChange => "erased: the customer's data key was destroyed",
        _ => kind,
    };

    private static LimitsChange Limits(SpendingLimits after, string currency, SpendingLimits before) => new(
        currency,
        [.. Enum.GetValues<CapWindow>()
            .Where(window => before.CapOf(window) != after.CapOf(window))
            .Select(window => new CapChange(WireNames.Of(window), before.CapOf(window), after.CapOf(window)))],
        [.. after.Pending.Select(pending => new PendingCapView(WireNames.Of(pending.Window), pending.Amount, pending.RequestedAt, pending.EffectiveAt))]);

    private static SpendingLimits LimitsOf(JournalEvent? previous) => previous switch
    {
        CapsSet caps => caps.Limits,
        SelfExclusionSet exclusion => exclusion.Limits,
        _ => SpendingLimits.None,
    };

    private static string Amount(long? amount) => amount?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string Instant(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
}
