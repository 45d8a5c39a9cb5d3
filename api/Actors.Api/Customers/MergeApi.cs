using Actors.Api.Auth;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Merge;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Customers;

/// <summary>
/// <c>POST /v1/customers/{id}/merge {"from": "cus_…"}</c>: two profiles of one person become one. The older profile
/// survives whichever of the two the path names; repeating the request answers the same.
/// </summary>
public static class MergeApi
{
    /// <summary>How long a client should wait before asking again when a customer has money in flight.</summary>
    public const int BusyRetryAfterSeconds = 5;

    public static IEndpointRouteBuilder MapMergeApi(this IEndpointRouteBuilder app)
    {
        app.MapCustomerGroup("/merge").WithTags("Customers")
            .MapPost("", Merge).RequireAuthorization(Policies.MergeCustomers);
        return app;
    }

    private static async Task<Results<Ok<MergeView>, ValidationProblem, ProblemHttpResult>> Merge(
        string customerId, MergeRequest request, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (!CustomerId.IsWellFormed(request.From))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["from"] = ["must be a customer id (cus_…)"] });
        }
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).Merge(request.From!, cancellationToken);
        switch (result)
        {
            case MergeResult.Merged merged:
                return TypedResults.Ok(new MergeView(merged.Survivor, merged.MergedAway));
            case MergeResult.Self:
                return ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.MergeSelf,
                    "A customer cannot be merged into itself.", "Name another customer in from. Nothing was changed.");
            case MergeResult.NotFound notFound:
                return ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CustomerNotFound, "No such customer.",
                    $"{notFound.CustomerId} does not exist. Nothing was changed.", new Dictionary<string, object?> { ["customerId"] = notFound.CustomerId });
            case MergeResult.AlreadyMerged already:
                return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CustomerMerged, "This customer was merged into another.",
                    $"{already.CustomerId} is now {already.Into}; merge with {already.Into} instead. Nothing was changed.",
                    new Dictionary<string, object?> { ["customerId"] = already.CustomerId, ["mergedInto"] = already.Into });
            case MergeResult.Busy busy:
                http.Response.Headers.RetryAfter = BusyRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.MergeBusy, "The customer has a payment in flight.",
                    $"{busy.CustomerId} has a payment or refund still being decided, or a merge of its own under way; retry once it has settled. Nothing was changed.",
                    new Dictionary<string, object?> { ["customerId"] = busy.CustomerId });
            default:
                throw new InvalidOperationException($"Unknown merge result {result.GetType().Name}.");
        }
    }
}

/// <summary>The customer to merge with the one the path names.</summary>
public sealed record MergeRequest(string? From);

/// <summary>The outcome: <see cref="Survivor"/> kept its id; <see cref="MergedAway"/> now redirects to it.</summary>
public sealed record MergeView(string Survivor, string MergedAway);
