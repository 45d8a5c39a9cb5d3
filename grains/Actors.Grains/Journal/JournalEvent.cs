namespace Actors.Grains.Journal;

/// <summary>
/// One small fact in a customer's append-only journal, named in the past tense. The journal row stores it with the
/// Orleans serializer, so each event type keeps a stable <c>[Alias]</c> (its row's <c>type</c>) and explicit
/// <c>[Id]</c>s: renaming a type or a member never orphans a stored event, and new members read as their default.
/// </summary>
[GenerateSerializer, Immutable, Alias("journal-event")]
public abstract record JournalEvent
{
    /// <summary>When the decision that produced the event was taken.</summary>
    [Id(0)] public DateTimeOffset At { get; init; }
}
