using Actors.Grains.Journal;

namespace Actors.Grains.Limits;

/// <summary>The caps as a change left them (pending raises included), in <see cref="CapCurrency"/>.</summary>
[GenerateSerializer, Immutable, Alias("caps-set-v1"), AuditEntry(AuditKinds.Limits)]
public sealed record CapsSet([property: Id(0)] SpendingLimits Limits, [property: Id(1)] string CapCurrency) : JournalEvent;

/// <summary>The customer excluded themselves until <see cref="SpendingLimits.ExcludedUntil"/> of <see cref="Limits"/>.</summary>
[GenerateSerializer, Immutable, Alias("self-exclusion-set-v1"), AuditEntry(AuditKinds.SelfExclusion)]
public sealed record SelfExclusionSet([property: Id(0)] SpendingLimits Limits, [property: Id(1)] string CapCurrency) : JournalEvent;
