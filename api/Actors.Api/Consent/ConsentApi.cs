using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Problems;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Consent;

/// <summary>Consent per purpose (opt-in): the current decisions, their history from the journal, and recording one.</summary>
public static class ConsentApi
{
    public static RouteGroupBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var consents = app.MapCustomerGroup("/consents").WithTags("Consent");
        consents.MapGet("", Get).RequireAuthorization(Policies.ReadCustomer);
        consents.MapPut("/{purpose}", Put).RequireAuthorization(Policies.WriteCustomer);
        return consents;
    }

    /// <summary>Every purpose's current consent (denied where never granted) and every change, newest first.</summary>
    private static async Task<Results<Ok<ConsentHistoryResponse>, ProblemHttpResult>> Get(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetConsents(cancellationToken) is ConsentResult.Current current
            ? TypedResults.Ok(new ConsentHistoryResponse(ConsentView.All(current.Consents), [.. (current.History ?? []).Select(ConsentChangeView.From)]))
            : ApiProblems.CustomerNotFound();

    /// <summary>
    /// Grants (<c>granted: true</c>) or withdraws consent to one purpose under <c>policyVersion</c>, recorded with the
    /// time, channel and device. The same decision under the same version again changes nothing.
    /// </summary>
    private static async Task<Results<Ok<ConsentsResponse>, ValidationProblem, ProblemHttpResult>> Put(
        string customerId, string purpose, ConsentRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (ConsentPurposes.Parse(purpose) is not { } known)
        {
            return UnknownPurpose();
        }
        var result = await cluster.GetGrain<ICustomerGrain>(customerId)
            .RecordConsent(known, new ConsentDraft(request.Granted, request.PolicyVersion), cancellationToken);
        return result switch
        {
            ConsentResult.Current current => TypedResults.Ok(new ConsentsResponse(ConsentView.All(current.Consents))),
            ConsentResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            ConsentResult.UnknownPurpose => UnknownPurpose(),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    private static ProblemHttpResult UnknownPurpose() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.UnknownPurpose, "No such consent purpose.",
            $"Consent is given per purpose: one of {string.Join(", ", ConsentPurposes.All.Select(ConsentPurposes.NameOf))}.");
}

public sealed record ConsentRequest(bool? Granted, string? PolicyVersion);

/// <summary>One purpose's consent now: denied, with nothing else, until the customer first decides.</summary>
public sealed record ConsentView(string Purpose, bool Granted, string? PolicyVersion, DateTimeOffset? DecidedAt, string? Channel)
{
    public static ConsentView[] All(ConsentState consents) =>
        [.. ConsentPurposes.All.Select(purpose => consents.LatestFor(purpose) is { } decision
            ? new ConsentView(ConsentPurposes.NameOf(purpose), decision.Granted, decision.PolicyVersion, decision.At, decision.Channel)
            : new ConsentView(ConsentPurposes.NameOf(purpose), false, null, null, null))];
}

/// <summary>One recorded decision: a grant or a withdrawal, under which policy, when, through which channel and device.</summary>
public sealed record ConsentChangeView(string Purpose, bool Granted, string PolicyVersion, DateTimeOffset DecidedAt, string Channel, string? DeviceId)
{
    public static ConsentChangeView From(ConsentDecision decision) => new(
        ConsentPurposes.NameOf(decision.Purpose), decision.Granted, decision.PolicyVersion, decision.At, decision.Channel, decision.DeviceId);
}

public sealed record ConsentsResponse(ConsentView[] Consents);

public sealed record ConsentHistoryResponse(ConsentView[] Consents, ConsentChangeView[] History);
