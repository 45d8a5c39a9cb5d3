using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orleans.Storage;

namespace Actors.Api.Problems;

public static class ApiProblems
{
    public static ProblemHttpResult Of(int status, string type, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);

    /// <summary>
    /// A body the JSON binder refused: where in the document, never the serializer's message (it names this API's
    /// internal types).
    /// </summary>
    public static ProblemHttpResult MalformedJson(JsonException json) =>
        Of(StatusCodes.Status400BadRequest, ProblemTypes.MalformedJson, "The request body is not valid JSON for this endpoint.",
            MalformedJsonDetail(json));

    public static string MalformedJsonDetail(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$"
            ? "Send one JSON object with the fields this endpoint documents, each once, numbers as JSON numbers."
            : $"Check the value at {json.Path}: each field once, of the documented type (numbers as JSON numbers, not strings).";

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has invalid fields.", type: ProblemTypes.Validation);

    /// <summary>A change to a versioned resource (<paramref name="resource"/>: "profile", "cart") sent without If-Match.</summary>
    public static ProblemHttpResult IfMatchRequired(string resource) =>
        Of(StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired, "If-Match is required.",
            $"Send the {resource}'s ETag in If-Match so a change made meanwhile, on this or another device, is not overwritten.");

    public static ProblemHttpResult CustomerNotFound() =>
        Of(StatusCodes.Status404NotFound, ProblemTypes.CustomerNotFound, "No such customer.");

    /// <summary>Another customer holds <paramref name="identifier"/>; which one is not said.</summary>
    public static ProblemHttpResult IdentityTaken(Actors.Grains.Identity.Identifier identifier) =>
        Of(StatusCodes.Status409Conflict, ProblemTypes.IdentityTaken, $"This {identifier.Kind} belongs to another customer.",
            "Nothing was changed.", new Dictionary<string, object?> { ["kind"] = identifier.Kind });

    /// <summary>
    /// A sensitive change (raising or removing a cap, a new payment method, a new email or phone, erasure) by a customer
    /// whose device has not stepped up lately; <c>method</c> says how to: <c>totp</c> (the authenticator app) or
    /// <c>code</c> (a one-time code sent on a challenge).
    /// </summary>
    public static ProblemHttpResult StepUpRequired(string customerId, string method) =>
        Of(StatusCodes.Status403Forbidden, ProblemTypes.StepUpRequired, "This change needs a fresh step-up.",
            $"Nothing was changed. Ask for a challenge at /v1/customers/{customerId}/step-up/challenge, send the code to " +
            $"/v1/customers/{customerId}/step-up from this device, then repeat the request.",
            new Dictionary<string, object?> { ["method"] = method, ["methods"] = new[] { method } });

    /// <summary>A write to a customer merged away: nothing was changed; the survivor (<c>mergedInto</c>) is the customer now.</summary>
    public static ProblemHttpResult CustomerMerged(string customerId, string survivorId) =>
        Of(StatusCodes.Status409Conflict, ProblemTypes.CustomerMerged, "This customer was merged into another.",
            $"{customerId} is now {survivorId}; send the request there. Nothing was changed.",
            new Dictionary<string, object?> { ["mergedInto"] = survivorId });

    /// <summary>The customer was erased (or is being erased): nothing of them can be read or changed, for good.</summary>
    public static ProblemHttpResult CustomerErased() =>
        Of(StatusCodes.Status410Gone, ProblemTypes.CustomerErased, "This customer was erased.",
            "Their personal data is destroyed and their identifiers released; nothing was changed.");

    /// <summary>An erasure that cannot start yet (<paramref name="reason"/>, e.g. <c>payment-open</c>); nothing was changed.</summary>
    public static ProblemHttpResult ErasureBlocked(string reason, string detail) =>
        Of(StatusCodes.Status409Conflict, ProblemTypes.ErasureBlocked, "The customer cannot be erased yet.",
            detail + " Nothing was changed.", new Dictionary<string, object?> { ["reason"] = reason });

    /// <summary>
    /// Problem details for every response, including the empty 401/403/404/405 the framework writes:
    /// a stable type per status and the trace id, never exception details.
    /// </summary>
    public static IServiceCollection AddActorsProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || !problem.Type.StartsWith('/'))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }
            problem.Extensions.Remove("exception");
            // A money response must replay byte for byte under its idempotency key, so it carries no per-request id.
            if (context.HttpContext.Items.ContainsKey(Payments.MoneyResponses.ReplayableItem))
            {
                problem.Extensions.Remove("traceId");
            }
            else
            {
                problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            }
        });
        services.AddExceptionHandler<ExceptionProblems>();
        return services;
    }
}

/// <summary>Turns exceptions into problem details: bad requests by their cause, cluster faults as 503, the rest as a bare 500.</summary>
public sealed partial class ExceptionProblems(IProblemDetailsService problemDetails, ILogger<ExceptionProblems> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(log, exception.GetType().Name, exception.Message);
            httpContext.Response.Headers.RetryAfter = "1";
        }
        else if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(log, exception);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Describe(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => new()
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedJson,
            Title = "The request body is not valid JSON for this endpoint.",
            Detail = ApiProblems.MalformedJsonDetail(json),
        },
        BadHttpRequestException bad => new()
        {
            Status = bad.StatusCode,
            Type = ProblemTypes.ForStatus(bad.StatusCode),
            Title = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
                _ => "The request is not valid.",
            },
            // The framework's message names parameters by their .NET types.
            Detail = bad.StatusCode == StatusCodes.Status400BadRequest ? "Check the request against the API reference." : null,
        },
        Actors.Grains.Erasure.CustomerErasedException => new()
        {
            Status = StatusCodes.Status410Gone,
            Type = ProblemTypes.CustomerErased,
            Title = "This customer was erased.",
            Detail = "Their personal data is destroyed and their identifiers released; nothing was changed.",
        },
        // Another activation won a write, a silo left or cannot be reached yet, the cluster is busy, or the database
        // refused a write (the grain then reloads what is stored): safe to retry shortly.
        InconsistentStateException or OrleansMessageRejectionException or SiloUnavailableException
            or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException
            or System.Data.Common.DbException or Actors.Grains.Hosting.DatabaseUnavailableException => new()
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.Unavailable,
                Title = "The service is briefly unavailable; retry shortly.",
            },
        _ => new()
        {
            Status = StatusCodes.Status500InternalServerError,
            Type = ProblemTypes.Internal,
            Title = "An unexpected error occurred.",
        },
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable for a request: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
