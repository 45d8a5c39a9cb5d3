using System.Diagnostics;

namespace Actors.Api.Hosting;

/// <summary>
/// Request logging that names the route, never the path: a path holds what a client put there (an email looked up, a
/// card number pasted by mistake, a customer's loyalty card). The framework's own request lines and path-bearing
/// debug lines are switched off whatever the configured levels, and one line per request takes their place.
/// </summary>
public static partial class RequestLog
{
    /// <summary>Categories that write the raw request path into their lines (or, for hosting, into every line's scope).</summary>
    private static readonly (string Category, LogLevel Least)[] PathBearing =
    [
        // "Request starting/finished" and the RequestPath scope around every line of a request.
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None),
        // "candidate(s) found for the request path …" at Debug.
        ("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information),
        // "The request path … does not match a supported file type" at Debug.
        ("Microsoft.AspNetCore.StaticFiles", LogLevel.Information),
    ];

    /// <summary>
    /// Rules more specific than any level an operator sets for <c>Microsoft.AspNetCore</c> or <c>Default</c>, so
    /// turning on Debug to chase a problem does not start writing paths.
    /// </summary>
    public static ILoggingBuilder WithoutRequestPaths(this ILoggingBuilder logging)
    {
        foreach (var (category, least) in PathBearing)
        {
            logging.AddFilter(category, least);
        }
        return logging;
    }

    /// <summary>
    /// Logs each request's method, matched route pattern, status and duration once it is answered, at Debug: like the
    /// framework's lines it replaces, it stays off at the default levels, so a busy node writes nothing per request.
    /// </summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Api.Requests");
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = RequestLog.Route(context);
                LogAnswered(log, context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
    }

    /// <summary>The route pattern the request matched (<c>/v1/customers/{customerId}</c>), what a log may say of where it went.</summary>
    public static string Route(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.Trim('/') : "(no route)";

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Route} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogAnswered(ILogger logger, string method, string route, int statusCode, double elapsedMilliseconds);
}
