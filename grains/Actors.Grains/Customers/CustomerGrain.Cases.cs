using Actors.Grains.Cases;
using Actors.Grains.Payments;

namespace Actors.Grains.Customers;

/// <summary>Support cases on payments and the customer's feedback.</summary>
public sealed partial class CustomerGrain
{
    public Task<CaseResult> GetCases(CancellationToken cancellationToken) => Task.FromResult<CaseResult>(durable.Profile is null
        ? new CaseResult.CustomerNotFound()
        : new CaseResult.Listed([.. durable.Cases.Cases.Values.OrderByDescending(supportCase => supportCase.OpenedAt)]));

    public Task<CaseResult> GetCase(string caseId, CancellationToken cancellationToken) => Task.FromResult<CaseResult>(
        durable.Profile is null ? new CaseResult.CustomerNotFound()
        : durable.Cases.Cases.GetValueOrDefault(caseId) is { } found ? new CaseResult.Current(found)
        : new CaseResult.NotFound());

    public async Task<CaseResult> OpenCase(CaseDraft draft, CancellationToken cancellationToken)
    {
        var payment = draft.PaymentId is { } paymentId ? await PaymentOf(paymentId, cancellationToken) : null;
        var decision = CaseDecider.Open(state, draft, payment, RandomIds.New(SupportCase.Prefix), clock.GetUtcNow());
        await Commit(decision.Events);
        if (decision.Answer is CaseResult.Current opened && !decision.Events.IsEmpty)
        {
            metrics.CaseOpened(opened.Case.Kind);
        }
        return decision.Answer;
    }

    public async Task<CaseResult> PostCaseMessage(string caseId, CaseAuthor from, string? text, CancellationToken cancellationToken)
    {
        var decision = CaseDecider.Post(state, caseId, from, text, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<CaseResult> CloseCase(string caseId, string? resolution, CancellationToken cancellationToken)
    {
        var decision = CaseDecider.Close(state, caseId, resolution, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public Task<FeedbackResult> GetFeedback(CancellationToken cancellationToken) => Task.FromResult<FeedbackResult>(durable.Profile is null
        ? new FeedbackResult.CustomerNotFound()
        : new FeedbackResult.Listed([.. durable.Cases.Feedback.Reverse()]));

    public async Task<FeedbackResult> GiveFeedback(FeedbackDraft draft, CancellationToken cancellationToken)
    {
        var payment = draft.SubjectId is { } subject && subject.StartsWith(Payment.Prefix, StringComparison.Ordinal)
            ? await PaymentOf(subject, cancellationToken)
            : null;
        var decision = CaseDecider.Give(state, draft, payment, clock.GetUtcNow());
        await Commit(decision.Events);
        if (decision.Answer is FeedbackResult.Given given)
        {
            metrics.FeedbackGiven(given.Feedback);
        }
        return decision.Answer;
    }

    /// <summary>
    /// A payment of this customer (or of one merged into it), from the state when it still holds it, else rebuilt from
    /// the journal; null when there is none.
    /// </summary>
    private async Task<Payment?> PaymentOf(string paymentId, CancellationToken cancellationToken)
    {
        if (state.Commerce.FindPayment(paymentId) is { } recent)
        {
            return recent;
        }
        foreach (var owner in durable.Merges.MergedFrom.Prepend(CustomerId))
        {
            var events = await journal.ReadPayment(owner, paymentId, owner == CustomerId ? durableHead : long.MaxValue, cancellationToken);
            if (events.Count > 0)
            {
                return events.Aggregate((Payment?)null, PaymentLife.Apply);
            }
        }
        return null;
    }
}
