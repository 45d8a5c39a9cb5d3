using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Actors.Api.Auth;
using Actors.Api.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Actors.Api.Hosting;

/// <summary>One token bucket: <see cref="PerSecond"/> requests a second on average, bursts of up to <see cref="Burst"/>.</summary>
public sealed class RateLimit
{
    [Range(1, 1_000_000)]
    public int PerSecond { get; set; }

    [Range(1, 1_000_000)]
    public int Burst { get; set; }

    public TokenBucketRateLimiterOptions Bucket() => new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = PerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>
/// Rate limits of an API node (section <c>RateLimits</c>), each a token bucket. Every request counts against its client
/// address and, under <c>/v1/customers/{id}</c>, against that customer (whoever sends it); token requests and
/// money-moving requests (checkouts, confirmations with their step-up codes, refunds, till sales) and the customer's
/// own step-up (challenges and codes) also against a stricter bucket of their own. The address is the connection's, or the one a trusted proxy forwarded (<see cref="ForwardedClientSettings"/>).
/// </summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    [Required]
    public RateLimit PerAddress { get; set; } = new() { PerSecond = 100, Burst = 200 };

    [Required]
    public RateLimit PerCustomer { get; set; } = new() { PerSecond = 10, Burst = 30 };

    /// <summary>Per client address, for <c>/v1/dev/tokens</c>.</summary>
    [Required]
    public RateLimit Tokens { get; set; } = new() { PerSecond = 1, Burst = 10 };

    /// <summary>Per customer, for every request that moves money or asks for or checks a step-up code.</summary>
    [Required]
    public RateLimit Money { get; set; } = new() { PerSecond = 2, Burst = 10 };
}

public static class RateLimits
{
    /// <summary>The policy of token requests.</summary>
    public const string Tokens = "tokens";

    /// <summary>The policy of money-moving and step-up requests.</summary>
    public const string Money = "money";

    public static IServiceCollection AddActorsRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitSettings>()
            .BindConfiguration(RateLimitSettings.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((options, configured) =>
        {
            var settings = configured.Value;
            options.OnRejected = Reject;
            if (!settings.Enabled)
            {
                options.AddPolicy(Tokens, _ => RateLimitPartition.GetNoLimiter(""));
                options.AddPolicy(Money, _ => RateLimitPartition.GetNoLimiter(""));
                return;
            }
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Bucket(AddressOf(http), settings.PerAddress)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => CustomerOf(http) is { } customer
                    ? Bucket(customer, settings.PerCustomer)
                    : RateLimitPartition.GetNoLimiter("")));
            options.AddPolicy(Tokens, http => Bucket(AddressOf(http), settings.Tokens));
            options.AddPolicy(Money, http => Bucket(CustomerOf(http) ?? AddressOf(http), settings.Money));
        });
        return services.AddRateLimiter(_ => { });
    }

    private static RateLimitPartition<string> Bucket(string key, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => limit.Bucket());

    private static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The customer a request acts on: the one in its path, else a customer token's own.</summary>
    private static string? CustomerOf(HttpContext http) =>
        http.GetRouteValue("customerId") as string
        ?? (http.User.IsInRole(Roles.Customer) ? http.User.FindFirstValue(Roles.SubjectClaim) : null);

    private static async ValueTask Reject(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Slow down and retry after {seconds} s. Nothing from this request was kept.",
            },
        });
    }
}
