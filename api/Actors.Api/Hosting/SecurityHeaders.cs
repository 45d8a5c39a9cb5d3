namespace Actors.Api.Hosting;

/// <summary>
/// Headers on every response that tell browsers to run only this origin's own scripts and styles (no inline
/// script), never sniff a content type, never frame the app, and send no referrer elsewhere.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments(ApiReference.PagePath))
        {
            // The reference page's own inline start-up script carries a nonce made for the response.
            context.Response.OnStarting(() =>
            {
                if (ApiReference.PageNonce(context) is { } nonce)
                {
                    headers.ContentSecurityPolicy = ApiReference.PageSecurityPolicy(nonce);
                }
                return Task.CompletedTask;
            });
        }
        return next(context);
    });
}
