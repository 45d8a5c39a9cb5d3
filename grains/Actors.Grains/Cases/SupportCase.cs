using System.Collections.Immutable;

namespace Actors.Grains.Cases;

public enum CaseKind
{
    /// <summary>The customer disputes a payment.</summary>
    Dispute,

    /// <summary>Support or the customer asks about a payment.</summary>
    Question,
}

public enum CaseStatus
{
    Open,
    Closed,
}

/// <summary>Who wrote a message of a case: the customer, or the merchant's support.</summary>
public enum CaseAuthor
{
    Customer,
    Support,
}

/// <summary>One message of a case.</summary>
[GenerateSerializer, Immutable, Alias("case-message-v1")]
public sealed record CaseMessage(
    [property: Id(0)] CaseAuthor From,
    [property: Id(1)] string Text,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// A conversation between support and the customer about one payment, opened by support: a dispute or a question.
/// The customer sees it live and answers; support closes it with a resolution.
/// </summary>
[GenerateSerializer, Immutable, Alias("support-case-v1")]
public sealed record SupportCase(
    [property: Id(0)] string Id,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] CaseKind Kind,
    [property: Id(3)] CaseStatus Status,
    [property: Id(4)] DateTimeOffset OpenedAt,
    [property: Id(5)] ImmutableList<CaseMessage> Messages,
    [property: Id(6)] DateTimeOffset? ClosedAt,
    [property: Id(7)] string? Resolution)
{
    public const string Prefix = "case_";
}

/// <summary>What a customer thought of a payment or a closed case: a rating from 1 to 5 and, if they like, a comment.</summary>
[GenerateSerializer, Immutable, Alias("feedback-v1")]
public sealed record Feedback(
    [property: Id(0)] string SubjectId,
    [property: Id(1)] int Rating,
    [property: Id(2)] string? Comment,
    [property: Id(3)] DateTimeOffset At)
{
    /// <summary>What the feedback is about, from its subject's id.</summary>
    public string SubjectKind => SubjectId.StartsWith(SupportCase.Prefix, StringComparison.Ordinal) ? "case" : "payment";
}

/// <summary>A customer's recent cases and feedback; bounded (older ones live in the journal only).</summary>
[GenerateSerializer, Immutable, Alias("cases-state-v1")]
public sealed record CasesState
{
    /// <summary>Closed cases past this many are forgotten from state, oldest first; open ones are always kept.</summary>
    public const int MaxClosedCases = 50;

    /// <summary>Feedback past this many is forgotten from state, oldest first (which only stops the state from telling a repeat).</summary>
    public const int MaxFeedback = 200;

    [Id(0)] public ImmutableDictionary<string, SupportCase> Cases { get; init; } = ImmutableDictionary<string, SupportCase>.Empty;
    [Id(1)] public ImmutableList<Feedback> Feedback { get; init; } = [];

    public static CasesState None { get; } = new();
}

/// <summary>What support writes to open a case.</summary>
[GenerateSerializer, Immutable, Alias("case-draft-v1")]
public sealed record CaseDraft(
    [property: Id(0)] string? PaymentId,
    [property: Id(1)] string? Kind,
    [property: Id(2)] string? Message);

[GenerateSerializer, Immutable, Alias("feedback-draft-v1")]
public sealed record FeedbackDraft(
    [property: Id(0)] string? SubjectId,
    [property: Id(1)] int? Rating,
    [property: Id(2)] string? Comment);

[GenerateSerializer, Immutable, Alias("case-result")]
public abstract record CaseResult
{
    [GenerateSerializer, Immutable, Alias("case-result-current-v1")]
    public sealed record Current([property: Id(0)] SupportCase Case) : CaseResult;

    [GenerateSerializer, Immutable, Alias("case-result-listed-v1")]
    public sealed record Listed([property: Id(0)] ImmutableList<SupportCase> Cases) : CaseResult;

    [GenerateSerializer, Immutable, Alias("case-result-invalid-v1")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : CaseResult;

    /// <summary>No payment of this customer has the id the case names.</summary>
    [GenerateSerializer, Immutable, Alias("case-result-payment-not-found-v1")]
    public sealed record PaymentNotFound : CaseResult;

    [GenerateSerializer, Immutable, Alias("case-result-not-found-v1")]
    public sealed record NotFound : CaseResult;

    /// <summary>The case is closed: nothing more is written to it.</summary>
    [GenerateSerializer, Immutable, Alias("case-result-closed-v1")]
    public sealed record AlreadyClosed([property: Id(0)] SupportCase Case) : CaseResult;

    [GenerateSerializer, Immutable, Alias("case-result-customer-not-found-v1")]
    public sealed record CustomerNotFound : CaseResult;
}

[GenerateSerializer, Immutable, Alias("feedback-result")]
public abstract record FeedbackResult
{
    [GenerateSerializer, Immutable, Alias("feedback-result-given-v1")]
    public sealed record Given([property: Id(0)] Feedback Feedback) : FeedbackResult;

    [GenerateSerializer, Immutable, Alias("feedback-result-listed-v1")]
    public sealed record Listed([property: Id(0)] ImmutableList<Feedback> Feedback) : FeedbackResult;

    [GenerateSerializer, Immutable, Alias("feedback-result-invalid-v1")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : FeedbackResult;

    /// <summary>Feedback is for a succeeded payment or a closed case of this customer; this subject is neither.</summary>
    [GenerateSerializer, Immutable, Alias("feedback-result-not-eligible-v1")]
    public sealed record NotEligible([property: Id(0)] string Reason) : FeedbackResult;

    /// <summary>The customer already gave feedback on this subject (the first stands).</summary>
    [GenerateSerializer, Immutable, Alias("feedback-result-already-given-v1")]
    public sealed record AlreadyGiven([property: Id(0)] Feedback Feedback) : FeedbackResult;

    [GenerateSerializer, Immutable, Alias("feedback-result-customer-not-found-v1")]
    public sealed record CustomerNotFound : FeedbackResult;
}
