using Actors.Grains.Journal;

namespace Actors.Grains.Identity;

/// <summary>The customer now holds <see cref="Identifier"/>: its identity grain names this customer.</summary>
[GenerateSerializer, Immutable, Alias("identity-claimed-v1")]
public sealed record IdentityClaimed([property: Id(0)] Identifier Identifier) : JournalEvent;

/// <summary>The customer no longer holds <see cref="Identifier"/>; anyone may claim it.</summary>
[GenerateSerializer, Immutable, Alias("identity-released-v1")]
public sealed record IdentityReleased([property: Id(0)] Identifier Identifier) : JournalEvent;
