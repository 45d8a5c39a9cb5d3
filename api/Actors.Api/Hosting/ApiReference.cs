using Actors.Api.Auth;
using Actors.Api.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Actors.Api.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and, in local mode (<c>Auth:DevTokens</c>), the browsable reference
/// (<c>/reference</c>). Handlers declare what they answer (typed results, <see cref="Refuses"/>); what the pipeline
/// answers for every route (rate limits, authentication, the request guard, cluster faults, the customer routes'
/// filters) is added here, once, from the endpoint's own metadata.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/reference";
    public const string BearerScheme = "Bearer";
    public const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddActorsApiReference(this IServiceCollection services) =>
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer(DescribeDocument);
            openApi.AddOperationTransformer(PipelineResponses.Describe);
            openApi.AddSchemaTransformer(ApiExamples.Describe);
        });

    /// <summary>Maps the document, and the reference page where development tokens are on (a local start).</summary>
    public static IEndpointRouteBuilder MapActorsApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        if (app.ServiceProvider.GetRequiredService<IOptions<AuthSettings>>().Value.DevTokens)
        {
            app.MapScalarApiReference(PagePath, page => page
                .WithTitle("Actors API reference")
                .WithOpenApiRoutePattern(DocumentPath)
                // Everything from this node: no fonts or telemetry from elsewhere, which the page's CSP would refuse anyway.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .WithNonce()
                .AddPreferredSecuritySchemes(BearerScheme));
        }
        return app;
    }

    /// <summary>The nonce the reference page put on its scripts in this response, if it is that page.</summary>
    public static string? PageNonce(HttpContext http) => http.Items[ScalarOptions.NonceHttpContextItemKey] as string;

    /// <summary>
    /// The reference page's policy: the app's, with the page's nonced scripts, and inline styles (the page's
    /// components add their own style elements); it still loads nothing from another origin.
    /// </summary>
    public static string PageSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>
    /// Declares a refusal the handler itself answers: <paramref name="status"/> with problem details of one of
    /// <paramref name="types"/> (from <see cref="ProblemTypes"/>), listed on the response in the document.
    /// </summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, params string[] types) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ProblemJson]), new ProblemTypesMetadata(status, types));

    /// <summary>Declares that the endpoint requires an <c>Idempotency-Key</c> header (a money-moving request).</summary>
    public static TBuilder RequiresIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IdempotencyKeyMetadata.Instance);

    /// <summary>Declares that the endpoint's answers carry the resource's version as <c>ETag</c>.</summary>
    public static TBuilder SendsETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ETagMetadata.Instance);

    /// <summary>Declares that the endpoint reads the calling device from <c>X-Device-Id</c> (and <c>X-Channel</c>, unless the channel is fixed).</summary>
    public static TBuilder ReadsDevice<TBuilder>(this TBuilder builder, bool channel = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DeviceHeadersMetadata(channel));

    /// <summary>Declares an endpoint under <c>/v1/customers/{customerId}</c>, with the answers its group's filters give.</summary>
    public static TBuilder IsCustomerScoped<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CustomerScopedMetadata.Instance);

    private static async Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // The configured address, never the request's Host header (which a client chooses).
        var publicUrl = context.ApplicationServices.GetRequiredService<IOptions<ManagementSettings>>().Value.PublicUrl;
        document.Servers = publicUrl is null ? [] : [new OpenApiServer { Url = publicUrl }];
        document.Info.Title = "Actors customer state API";
        document.Info.Description =
            "One live state object per customer, shared by every channel. Errors are RFC 9457 problem details " +
            "(`application/problem+json`) whose `type` is a stable relative reference (`/errors/…`), listed per response " +
            "under `x-problem-types`. Amounts are integers in minor units with an ISO 4217 currency; conversion between " +
            "currencies rounds half away from zero.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the merchant's identity provider (locally from POST /v1/dev/tokens) whose `role` claim is " +
                "customer, support, operator or pos; a customer's `sub` is their customer id.",
        };
        PipelineResponses.DescribeOperatorPaths(document, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
    }
}

/// <summary>The problem types a handler answers with <see cref="Status"/>.</summary>
public sealed record ProblemTypesMetadata(int Status, IReadOnlyList<string> Types);

public sealed class IdempotencyKeyMetadata
{
    public static readonly IdempotencyKeyMetadata Instance = new();
}

public sealed class ETagMetadata
{
    public static readonly ETagMetadata Instance = new();
}

public sealed record DeviceHeadersMetadata(bool Channel);

public sealed class CustomerScopedMetadata
{
    public static readonly CustomerScopedMetadata Instance = new();
}
