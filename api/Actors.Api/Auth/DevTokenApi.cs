using System.Security.Claims;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Actors.Api.Auth;

public sealed record DevTokenRequest(string? Role, string? CustomerId);

public sealed record DevTokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST /v1/dev/tokens</c>: signs a token for any role, for the local start, the demo page and tests.
/// Mapped only when <c>Auth:DevTokens</c> is true.
/// </summary>
public static class DevTokenApi
{
    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<AuthSettings>>().Value.DevTokens)
        {
            app.MapPost("/v1/dev/tokens", Issue).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Tokens).WithTags("Development");
        }
        return app;
    }

    private static Results<Ok<DevTokenResponse>, ValidationProblem> Issue(
        DevTokenRequest request, IOptions<AuthSettings> auth, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Role is null || !Roles.All.Contains(request.Role))
        {
            errors["role"] = [$"must be one of: {string.Join(", ", Roles.All)}"];
        }
        if (request.Role == Roles.Customer && !CustomerId.IsWellFormed(request.CustomerId))
        {
            errors["customerId"] = ["a customer token needs the customer's id (cus_…)"];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var settings = auth.Value;
        var now = clock.GetUtcNow();
        var expires = now + settings.DevTokenLifetime;
        var subject = request.Role == Roles.Customer ? request.CustomerId! : $"dev-{request.Role}";
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity([new Claim(Roles.SubjectClaim, subject), new Claim(Roles.RoleClaim, request.Role!)]),
            SigningCredentials = new SigningCredentials(settings.IssuerKey(), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", expires));
    }
}
