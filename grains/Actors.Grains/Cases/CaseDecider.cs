using System.Collections.Immutable;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Payments;

namespace Actors.Grains.Cases;

/// <summary>Support cases and feedback, as decisions over the customer's state.</summary>
public static class CaseDecider
{
    public const int MaxMessage = 2000;
    public const int MaxResolution = 500;
    public const int MaxComment = 1000;

    /// <summary>Opens a case on <paramref name="payment"/> (null when the customer has no payment of the draft's id).</summary>
    public static Decision<CaseResult> Open(CustomerState state, CaseDraft draft, Payment? payment, string caseId, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<CaseResult>(new CaseResult.CustomerNotFound());
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(draft.PaymentId))
        {
            errors["paymentId"] = ["is required: the payment the case is about"];
        }
        if (!Enum.TryParse<CaseKind>(draft.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(draft.Kind, out _))
        {
            errors["kind"] = ["is required: dispute or question"];
        }
        Text(draft.Message, "message", MaxMessage, required: true, errors);
        if (errors.Count > 0)
        {
            return Decision.Answer<CaseResult>(new CaseResult.Invalid(errors));
        }
        if (payment is null)
        {
            return Decision.Answer<CaseResult>(new CaseResult.PaymentNotFound());
        }
        var opened = new SupportCase(caseId, payment.Id, kind, CaseStatus.Open, now,
            [new CaseMessage(CaseAuthor.Support, draft.Message!.Trim(), now)], null, null);
        return Decision.Emit<CaseResult>(new CaseResult.Current(opened), new CaseOpened(opened) { At = now });
    }

    public static Decision<CaseResult> Post(CustomerState state, string caseId, CaseAuthor from, string? text, DateTimeOffset now)
    {
        var found = Find(state, caseId);
        if (found.Refusal is { } refusal)
        {
            return Decision.Answer(refusal);
        }
        var errors = new Dictionary<string, string[]>();
        Text(text, "text", MaxMessage, required: true, errors);
        if (errors.Count > 0)
        {
            return Decision.Answer<CaseResult>(new CaseResult.Invalid(errors));
        }
        if (found.Case!.Status == CaseStatus.Closed)
        {
            return Decision.Answer<CaseResult>(new CaseResult.AlreadyClosed(found.Case));
        }
        var message = new CaseMessage(from, text!.Trim(), now);
        return Decision.Emit<CaseResult>(new CaseResult.Current(CasesRules.Posted(found.Case, message)), new CaseMessagePosted(caseId, message) { At = now });
    }

    public static Decision<CaseResult> Close(CustomerState state, string caseId, string? resolution, DateTimeOffset now)
    {
        var found = Find(state, caseId);
        if (found.Refusal is { } refusal)
        {
            return Decision.Answer(refusal);
        }
        var errors = new Dictionary<string, string[]>();
        Text(resolution, "resolution", MaxResolution, required: false, errors);
        if (errors.Count > 0)
        {
            return Decision.Answer<CaseResult>(new CaseResult.Invalid(errors));
        }
        if (found.Case!.Status == CaseStatus.Closed)
        {
            // Closing again is asking for what already is: the same answer, nothing written.
            return Decision.Answer<CaseResult>(new CaseResult.Current(found.Case));
        }
        var closed = new CaseClosed(caseId, string.IsNullOrWhiteSpace(resolution) ? null : resolution.Trim()) { At = now };
        return Decision.Emit<CaseResult>(new CaseResult.Current(CasesRules.Closed(found.Case, closed.Resolution, now)), closed);
    }

    /// <summary>
    /// Records feedback on a succeeded payment or a closed case of this customer, once per subject;
    /// <paramref name="payment"/> is the payment the subject names, when it names one the customer has.
    /// </summary>
    public static Decision<FeedbackResult> Give(CustomerState state, FeedbackDraft draft, Payment? payment, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<FeedbackResult>(new FeedbackResult.CustomerNotFound());
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(draft.SubjectId))
        {
            errors["subjectId"] = ["is required: the payment (pay_…) or closed case (case_…) the feedback is about"];
        }
        if (draft.Rating is not (>= 1 and <= 5))
        {
            errors["rating"] = ["is required: a whole number from 1 to 5"];
        }
        Text(draft.Comment, "comment", MaxComment, required: false, errors);
        if (errors.Count > 0)
        {
            return Decision.Answer<FeedbackResult>(new FeedbackResult.Invalid(errors));
        }
        var subjectId = draft.SubjectId!;
        if (state.Cases.Feedback.Find(given => given.SubjectId == subjectId) is { } earlier)
        {
            return Decision.Answer<FeedbackResult>(new FeedbackResult.AlreadyGiven(earlier));
        }
        var eligible = subjectId.StartsWith(SupportCase.Prefix, StringComparison.Ordinal)
            ? state.Cases.Cases.GetValueOrDefault(subjectId) is { Status: CaseStatus.Closed } ? null : "Feedback on a case is given once it is closed."
            : payment is { Status: PaymentStatus.Succeeded } ? null : "Feedback on a payment is given once it has succeeded.";
        if (eligible is { } reason)
        {
            return Decision.Answer<FeedbackResult>(new FeedbackResult.NotEligible(reason));
        }
        var feedback = new Feedback(subjectId, draft.Rating!.Value, string.IsNullOrWhiteSpace(draft.Comment) ? null : draft.Comment.Trim(), now);
        return Decision.Emit<FeedbackResult>(new FeedbackResult.Given(feedback), new FeedbackGiven(feedback) { At = now });
    }

    private static (SupportCase? Case, CaseResult? Refusal) Find(CustomerState state, string caseId) =>
        state.Profile is null ? (null, new CaseResult.CustomerNotFound())
        : state.Cases.Cases.GetValueOrDefault(caseId) is { } found ? (found, null)
        : (null, new CaseResult.NotFound());

    private static void Text(string? text, string field, int max, bool required, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors[field] = [$"is required: 1–{max} printable characters"];
            }
            return;
        }
        var trimmed = text.Trim();
        if (trimmed.Length > max || trimmed.Any(char.IsControl))
        {
            errors[field] = [$"must be at most {max} printable characters"];
        }
    }
}

/// <summary>How case events change the customer's cases: bounded, open cases always kept.</summary>
public static class CasesRules
{
    public static SupportCase Posted(SupportCase supportCase, CaseMessage message) =>
        supportCase with { Messages = supportCase.Messages.Add(message) };

    public static SupportCase Closed(SupportCase supportCase, string? resolution, DateTimeOffset at) =>
        supportCase with { Status = CaseStatus.Closed, ClosedAt = at, Resolution = resolution };

    public static CasesState Apply(CasesState state, JournalEvent change) => change switch
    {
        CaseOpened opened => With(state, opened.Case),
        CaseMessagePosted posted when state.Cases.GetValueOrDefault(posted.CaseId) is { } open => With(state, Posted(open, posted.Message)),
        CaseClosed closed when state.Cases.GetValueOrDefault(closed.CaseId) is { } open => With(state, Closed(open, closed.Resolution, closed.At)),
        FeedbackGiven given => state with
        {
            Feedback = state.Feedback.Count < CasesState.MaxFeedback
                ? state.Feedback.Add(given.Feedback)
                : state.Feedback.RemoveAt(0).Add(given.Feedback),
        },
        _ => state,
    };

    private static CasesState With(CasesState state, SupportCase changed)
    {
        var cases = state.Cases.SetItem(changed.Id, changed);
        var closed = cases.Values.Where(supportCase => supportCase.Status == CaseStatus.Closed).ToList();
        if (closed.Count > CasesState.MaxClosedCases)
        {
            cases = cases.RemoveRange(closed.OrderBy(supportCase => supportCase.ClosedAt).Take(closed.Count - CasesState.MaxClosedCases).Select(supportCase => supportCase.Id));
        }
        return state with { Cases = cases };
    }
}
