using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Limits;

/// <summary>Spending caps with cooling-off, and self-exclusion.</summary>
public static class LimitsApi
{
    public static RouteGroupBuilder MapLimitsApi(this IEndpointRouteBuilder app)
    {
        var customer = app.MapCustomerGroup().WithTags("Spending controls");
        customer.MapGet("/limits", Get).RequireAuthorization(Policies.ReadCustomer);
        customer.MapPut("/limits", Put).RequireAuthorization(Policies.WriteCustomer);
        customer.MapPost("/self-exclusion", Exclude).RequireAuthorization(Policies.WriteCustomer);
        return customer;
    }

    private static async Task<Results<Ok<LimitsResponse>, ProblemHttpResult>> Get(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetLimits(cancellationToken) is LimitsResult.Current current
            ? TypedResults.Ok(LimitsResponse.From(current.Limits))
            : ApiProblems.CustomerNotFound();

    /// <summary>
    /// States all three caps (an absent or null one means no cap). Lowering or adding a cap applies at once;
    /// raising or removing one is pending until its <c>effectiveAt</c>, after the cooling-off, and needs a customer's
    /// fresh step-up (403 <c>/errors/step-up-required</c> otherwise).
    /// </summary>
    private static async Task<Results<Ok<LimitsResponse>, ValidationProblem, ProblemHttpResult>> Put(
        string customerId, CapsRequest caps, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).SetLimits(new CapRequest(caps.Daily, caps.Weekly, caps.Monthly), cancellationToken);
        return result switch
        {
            LimitsResult.Current current => TypedResults.Ok(LimitsResponse.From(current.Limits)),
            LimitsResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            LimitsResult.StepUpRequired stepUp => ApiProblems.StepUpRequired(customerId, stepUp.Method),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    /// <summary>Blocks every checkout until <c>until</c> (at least 24 h ahead). It can be extended, never shortened or lifted.</summary>
    private static async Task<Results<Ok<LimitsResponse>, ValidationProblem, ProblemHttpResult>> Exclude(
        string customerId, SelfExclusionRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (request.Until is not { } until)
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["until"] = ["is required: an ISO-8601 instant at least 24 hours ahead"] });
        }
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).SelfExclude(until, cancellationToken);
        return result switch
        {
            LimitsResult.Current current => TypedResults.Ok(LimitsResponse.From(current.Limits)),
            LimitsResult.ExclusionTooSoon tooSoon => ApiProblems.Validation(new Dictionary<string, string[]>
            {
                ["until"] = [$"must be at least 24 hours ahead, i.e. at or after {tooSoon.Earliest:O}"],
            }),
            LimitsResult.ExclusionWouldShorten shorten => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.SelfExcluded,
                "A self-exclusion can be extended, never shortened or lifted.",
                $"The current self-exclusion lasts until {shorten.Until:O}; choose a later date to extend it.",
                new Dictionary<string, object?> { ["until"] = shorten.Until }),
            _ => ApiProblems.CustomerNotFound(),
        };
    }
}

public sealed record CapsRequest(long? Daily, long? Weekly, long? Monthly);

public sealed record SelfExclusionRequest(DateTimeOffset? Until);

/// <summary>A cap change waiting out its cooling-off; a null amount removes the cap.</summary>
public sealed record PendingCapView(string Window, long? Amount, DateTimeOffset RequestedAt, DateTimeOffset EffectiveAt);

public sealed record LimitsResponse(
    string Currency,
    long? Daily,
    long? Weekly,
    long? Monthly,
    PendingCapView[] Pending,
    DateTimeOffset? SelfExcludedUntil,
    HeadroomView[] Headroom)
{
    public static LimitsResponse From(LimitsView limits) => new(
        limits.Currency,
        limits.Daily,
        limits.Weekly,
        limits.Monthly,
        [.. limits.Pending.Select(pending => new PendingCapView(WireNames.Of(pending.Window), pending.Amount, pending.RequestedAt, pending.EffectiveAt))],
        limits.ExcludedUntil,
        [.. limits.Headroom.Select(room => HeadroomView.From(room, limits.Currency))]);
}
