using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Peers;

/// <summary>The problem answers the peers share with the platform, by status and type.</summary>
public static class PeerProblems
{
    public static ProblemHttpResult CustomerNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: "/errors/customer-not-found", title: "No such customer.");

    public static ProblemHttpResult CapExceeded(long cap, long spent, string currency) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: "/errors/cap-exceeded",
            title: "This payment would exceed the spending cap.",
            detail: $"{Math.Max(0, cap - spent)} {currency} (minor units) remain of the cap of {cap}.");

    public static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, type: "/errors/validation",
            title: "One or more fields are invalid.", extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
