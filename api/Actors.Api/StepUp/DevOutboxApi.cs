using Actors.Api.Auth;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.StepUp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Actors.Api.StepUp;

public sealed record OutboxMessageView(string Text, string Code, DateTimeOffset SentAt, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>GET /v1/dev/outbox/{customerId}</c>: what would have been emailed or texted to the customer (step-up codes), newest
/// first, for the local start, the web app and tests. Mapped only when <c>Auth:DevTokens</c> is true.
/// </summary>
public static class DevOutboxApi
{
    public static IEndpointRouteBuilder MapDevOutboxApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<AuthSettings>>().Value.DevTokens)
        {
            app.MapGet("/v1/dev/outbox/{customerId}", Read).RequireAuthorization(Policies.WriteCustomer).WithTags("Development")
                .Refuses(StatusCodes.Status404NotFound, ProblemTypes.CustomerNotFound);
        }
        return app;
    }

    private static async Task<Results<Ok<OutboxMessageView[]>, ProblemHttpResult>> Read(
        string customerId, HttpContext http, IClusterClient cluster)
    {
        if (!http.User.MaySee(customerId))
        {
            return ApiProblems.CustomerNotFound();
        }
        var messages = await cluster.GetGrain<IDevOutboxGrain>(customerId).Messages();
        return TypedResults.Ok(messages.Select(message => new OutboxMessageView(message.Text, message.Code, message.SentAt, message.ExpiresAt)).ToArray());
    }
}
