using Actors.Grains.Journal;

namespace Actors.Grains.Limits;

/// <summary>
/// The caps as a change left them (pending raises included), in <see cref="CapCurrency"/>, changed through
/// <see cref="Channel"/> from <see cref="DeviceId"/> (neither is known for caps a merge made stricter).
/// </summary>
[GenerateSerializer, Immutable, Alias("caps-set-v1"), AuditEntry(AuditKinds.Limits)]
public sealed record CapsSet([property: Id(0)] SpendingLimits Limits, [property: Id(1)] string CapCurrency) : JournalEvent
{
    [Id(2)] public string? Channel { get; init; }
    [Id(3)] public string? DeviceId { get; init; }
}

/// <summary>The customer excluded themselves until <see cref="SpendingLimits.ExcludedUntil"/> of <see cref="Limits"/>.</summary>
[GenerateSerializer, Immutable, Alias("self-exclusion-set-v1"), AuditEntry(AuditKinds.SelfExclusion)]
public sealed record SelfExclusionSet([property: Id(0)] SpendingLimits Limits, [property: Id(1)] string CapCurrency) : JournalEvent
{
    /// <summary>Through which channel and device the customer excluded themselves.</summary>
    [Id(2)] public string? Channel { get; init; }
    [Id(3)] public string? DeviceId { get; init; }
}
