using Actors.Grains.Journal;

namespace Actors.Grains.Cases;

/// <summary>Support opened a case on a payment, with its first message.</summary>
[GenerateSerializer, Immutable, Alias("case-opened-v1")]
public sealed record CaseOpened([property: Id(0)] SupportCase Case) : JournalEvent;

[GenerateSerializer, Immutable, Alias("case-message-posted-v1")]
public sealed record CaseMessagePosted([property: Id(0)] string CaseId, [property: Id(1)] CaseMessage Message) : JournalEvent;

[GenerateSerializer, Immutable, Alias("case-closed-v1")]
public sealed record CaseClosed([property: Id(0)] string CaseId, [property: Id(1)] string? Resolution) : JournalEvent;

[GenerateSerializer, Immutable, Alias("feedback-given-v1")]
public sealed record FeedbackGiven([property: Id(0)] Feedback Feedback) : JournalEvent;
