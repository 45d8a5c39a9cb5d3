using System.Buffers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Actors.Peers.Auth;

/// <summary>
/// JWT bearer validation as the platform's API does it (symmetric key from <c>Auth:SigningKey</c>, issuer and audience
/// from <c>Auth:Issuer</c> and <c>Auth:Audience</c>), so the platform's development tokens work here unchanged.
/// </summary>
public static class PeerAuth
{
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";

    public const string ReadCustomer = "read-customer";
    public const string WriteCustomer = "write-customer";
    public const string Operator = "operator";

    private static readonly SearchValues<char> DeviceIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    public static IServiceCollection AddPeerAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var signingKey = configuration["Auth:SigningKey"];
        if (signingKey is not { Length: >= 32 })
        {
            throw new InvalidOperationException("Set Auth:SigningKey to the platform's signing secret (at least 32 characters).");
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = configuration["Auth:Issuer"] ?? "actors",
                ValidAudience = configuration["Auth:Audience"] ?? "actors-api",
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
                NameClaimType = SubjectClaim,
                RoleClaimType = RoleClaim,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadCustomer, policy => policy.RequireRole("customer", "support", "operator"))
            .AddPolicy(WriteCustomer, policy => policy.RequireRole("customer", "operator"))
            .AddPolicy(Operator, policy => policy.RequireRole("operator"));
        return services;
    }

    /// <summary>
    /// A group under one customer, with the platform's two checks: a customer token sees only its own customer
    /// (others are 404), and every request names its device and channel.
    /// </summary>
    public static RouteGroupBuilder MapCustomerGroup(this IEndpointRouteBuilder app, string prefix) => app
        .MapGroup(prefix + "/v1/customers/{customerId}")
        .AddEndpointFilter(VisibleToCaller)
        .AddEndpointFilter(FromDevice);

    /// <summary>The channel the request came from, as <see cref="FromDevice"/> checked it.</summary>
    public static string Channel(this HttpContext http) => http.Request.Headers["X-Channel"].ToString();

    private static async ValueTask<object?> VisibleToCaller(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        var customerId = context.HttpContext.GetRouteValue("customerId") as string ?? "";
        var visible = PeerIds.IsWellFormed(customerId, PeerIds.Customer)
            && (!user.IsInRole("customer") || user.FindFirstValue(SubjectClaim) == customerId);
        return visible ? await next(context) : PeerProblems.CustomerNotFound();
    }

    private static async ValueTask<object?> FromDevice(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers;
        string device = headers["X-Device-Id"].ToString();
        string channel = headers["X-Channel"].ToString();
        if (device.Length is < 1 or > 64 || device.AsSpan().IndexOfAnyExcept(DeviceIdCharacters) >= 0
            || channel is not ("web" or "mobile" or "pos"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, type: "/errors/device-required",
                title: "Say which device and channel the request comes from.");
        }
        return await next(context);
    }
}
