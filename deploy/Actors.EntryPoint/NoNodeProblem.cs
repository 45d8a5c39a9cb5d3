namespace Actors.EntryPoint;

/// <summary>
/// When no node is ready (before the first probe, or all down) or the chosen node cannot be reached, the client
/// gets the API's own 503 shape with a Retry-After instead of YARP's bare status with an empty body.
/// </summary>
public static class NoNodeProblem
{
    public const string Type = "/errors/unavailable";

    public static async Task Answer(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is null || context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: Type,
            title: "The service is briefly unavailable; retry shortly.").ExecuteAsync(context);
    }
}
