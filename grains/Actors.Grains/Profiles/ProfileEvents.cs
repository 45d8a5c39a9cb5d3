using Actors.Grains.Journal;

namespace Actors.Grains.Profiles;

[GenerateSerializer, Immutable, Alias("customer-created-v1")]
public sealed record CustomerCreated([property: Id(0)] Profile Profile) : JournalEvent;

/// <summary>The profile as a patch left it (one small record, at its new version).</summary>
[GenerateSerializer, Immutable, Alias("profile-updated-v1")]
public sealed record ProfileUpdated([property: Id(0)] Profile Profile) : JournalEvent;
