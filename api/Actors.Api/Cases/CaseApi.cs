using System.Security.Claims;
using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Problems;
using Actors.Grains.Cases;
using Actors.Grains.Customers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Cases;

/// <summary>
/// Support cases on payments (support opens and closes them, the customer answers, both see them live) and the
/// customer's feedback on a succeeded payment or a closed case.
/// </summary>
public static class CaseApi
{
    public static IEndpointRouteBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapCustomerGroup("/cases").WithTags("Support cases");
        cases.MapGet("", List).RequireAuthorization(Policies.ReadCustomer);
        cases.MapGet("/{caseId}", Get).RequireAuthorization(Policies.ReadCustomer);
        cases.MapPost("", Open).RequireAuthorization(Policies.OpenCase);
        cases.MapPost("/{caseId}/messages", Post).RequireAuthorization(Policies.AnswerCase);
        cases.MapPost("/{caseId}/close", Close).RequireAuthorization(Policies.OpenCase);

        var feedback = app.MapCustomerGroup("/feedback").WithTags("Support cases");
        feedback.MapGet("", ListFeedback).RequireAuthorization(Policies.ReadCustomer);
        feedback.MapPost("", Give).RequireAuthorization(Policies.GiveFeedback);
        return app;
    }

    private static async Task<Results<Ok<CasesResponse>, ProblemHttpResult>> List(string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetCases(cancellationToken) is CaseResult.Listed listed
            ? TypedResults.Ok(new CasesResponse([.. listed.Cases.Select(CaseView.From)]))
            : ApiProblems.CustomerNotFound();

    private static async Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> Get(
        string customerId, string caseId, IClusterClient cluster, CancellationToken cancellationToken) =>
        Answer(await cluster.GetGrain<ICustomerGrain>(customerId).GetCase(caseId, cancellationToken));

    /// <summary>Opens a dispute or a question on one of the customer's payments, with support's first message.</summary>
    private static async Task<Results<Created<CaseView>, ValidationProblem, ProblemHttpResult>> Open(
        string customerId, CaseRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var result = await cluster.GetGrain<ICustomerGrain>(customerId)
            .OpenCase(new CaseDraft(request.PaymentId, request.Kind, request.Message), cancellationToken);
        return result switch
        {
            CaseResult.Current opened => TypedResults.Created($"/v1/customers/{customerId}/cases/{opened.Case.Id}", CaseView.From(opened.Case)),
            CaseResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            CaseResult.PaymentNotFound => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentNotFound, "No such payment.",
                "A case is opened on one of this customer's payments."),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    /// <summary>Adds a message to an open case: from the customer when a customer writes, from support otherwise.</summary>
    private static async Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> Post(
        string customerId, string caseId, CaseMessageRequest request, ClaimsPrincipal user, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var from = user.IsInRole(Roles.Customer) ? CaseAuthor.Customer : CaseAuthor.Support;
        return Answer(await cluster.GetGrain<ICustomerGrain>(customerId).PostCaseMessage(caseId, from, request.Text, cancellationToken));
    }

    /// <summary>Closes a case with a resolution, if one is given; closing a closed case answers it as it is.</summary>
    private static async Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> Close(
        string customerId, string caseId, CaseCloseRequest? request, IClusterClient cluster, CancellationToken cancellationToken) =>
        Answer(await cluster.GetGrain<ICustomerGrain>(customerId).CloseCase(caseId, request?.Resolution, cancellationToken));

    private static async Task<Results<Ok<FeedbackListResponse>, ProblemHttpResult>> ListFeedback(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetFeedback(cancellationToken) is FeedbackResult.Listed listed
            ? TypedResults.Ok(new FeedbackListResponse([.. listed.Feedback.Select(FeedbackView.From)]))
            : ApiProblems.CustomerNotFound();

    /// <summary>The customer rates a succeeded payment or a closed case from 1 to 5, with a comment if they like; once per subject.</summary>
    private static async Task<Results<Created<FeedbackView>, ValidationProblem, ProblemHttpResult>> Give(
        string customerId, FeedbackRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var result = await cluster.GetGrain<ICustomerGrain>(customerId)
            .GiveFeedback(new FeedbackDraft(request.SubjectId, request.Rating, request.Comment), cancellationToken);
        return result switch
        {
            FeedbackResult.Given given => TypedResults.Created($"/v1/customers/{customerId}/feedback", FeedbackView.From(given.Feedback)),
            FeedbackResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            FeedbackResult.NotEligible notEligible => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.FeedbackNotEligible,
                "Feedback is not open for this.", notEligible.Reason),
            FeedbackResult.AlreadyGiven => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.FeedbackExists,
                "Feedback was already given on this.", "The first feedback on a payment or case stands."),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    private static Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult> Answer(CaseResult result) => result switch
    {
        CaseResult.Current current => TypedResults.Ok(CaseView.From(current.Case)),
        CaseResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
        CaseResult.NotFound => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CaseNotFound, "No such case."),
        CaseResult.AlreadyClosed => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CaseClosed, "The case is closed.",
            "Nothing more is written to a closed case."),
        _ => ApiProblems.CustomerNotFound(),
    };
}

public sealed record CaseRequest(string? PaymentId, string? Kind, string? Message);

public sealed record CaseMessageRequest(string? Text);

public sealed record CaseCloseRequest(string? Resolution);

public sealed record FeedbackRequest(string? SubjectId, int? Rating, string? Comment);

public sealed record CaseMessageView(string From, string Text, DateTimeOffset At);

/// <summary>A case as the customer and support both see it: the payment it is about, every message, and how it ended.</summary>
public sealed record CaseView(
    string Id, string PaymentId, string Kind, string Status, DateTimeOffset OpenedAt, CaseMessageView[] Messages, DateTimeOffset? ClosedAt, string? Resolution)
{
    public static CaseView From(SupportCase supportCase) => new(
        supportCase.Id, supportCase.PaymentId, supportCase.Kind.ToString().ToLowerInvariant(), supportCase.Status.ToString().ToLowerInvariant(),
        supportCase.OpenedAt, [.. supportCase.Messages.Select(message => new CaseMessageView(message.From.ToString().ToLowerInvariant(), message.Text, message.At))],
        supportCase.ClosedAt, supportCase.Resolution);
}

public sealed record CasesResponse(CaseView[] Cases);

public sealed record FeedbackView(string SubjectId, string Subject, int Rating, string? Comment, DateTimeOffset GivenAt)
{
    public static FeedbackView From(Feedback feedback) => new(feedback.SubjectId, feedback.SubjectKind, feedback.Rating, feedback.Comment, feedback.At);
}

public sealed record FeedbackListResponse(FeedbackView[] Feedback);
