using Actors.Grains.Journal;

namespace Actors.Grains.Consent;

/// <summary>
/// The customer granted (<see cref="Granted"/>) or withdrew consent to <see cref="Purpose"/> under the policy
/// <see cref="PolicyVersion"/>, through <see cref="Channel"/> from <see cref="DeviceId"/>, at <see cref="JournalEvent.At"/>.
/// The consent history is these events, read from the journal.
/// </summary>
[GenerateSerializer, Immutable, Alias("consent-recorded-v1"), AuditEntry(AuditKinds.Consent)]
public sealed record ConsentRecorded(
    [property: Id(0)] ConsentPurpose Purpose,
    [property: Id(1)] bool Granted,
    [property: Id(2)] string PolicyVersion,
    [property: Id(3)] string Channel,
    [property: Id(4)] string? DeviceId) : JournalEvent
{
    public ConsentDecision Decision => new(Purpose, Granted, PolicyVersion, At, Channel, DeviceId);
}
