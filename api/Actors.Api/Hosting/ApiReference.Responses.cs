using System.Text.Json.Nodes;
using Actors.Api.Customers;
using Actors.Api.Idempotency;
using Actors.Api.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Actors.Api.Hosting;

/// <summary>
/// What the pipeline answers on an operation's behalf, read from the endpoint's metadata: the global rate limit
/// (every route), authentication and policies (routes that require authorization), the request guard and cluster
/// faults (<c>/v1</c>), the idempotency key, the device headers and the customer routes' filters.
/// </summary>
internal static class PipelineResponses
{
    private const string ProblemTypesExtension = "x-problem-types";

    public static async Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
        var isRead = HttpMethods.IsGet(context.Description.HttpMethod ?? "GET");
        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses ??= new OpenApiResponses();
        operation.Parameters ??= [];

        void Refusal(int status, string description, params string[] types) => AddProblem(operation, problem, status, description, types);

        foreach (var declared in metadata.OfType<ProblemTypesMetadata>())
        {
            Refusal(declared.Status, "", [.. declared.Types]);
        }

        if (context.Description.SupportedResponseTypes.Any(response =>
            response.StatusCode == StatusCodes.Status400BadRequest && response.Type == typeof(HttpValidationProblemDetails)))
        {
            Refusal(StatusCodes.Status400BadRequest, "", ProblemTypes.Validation);
        }

        Refusal(StatusCodes.Status429TooManyRequests, "Over a rate limit; nothing from the request was kept. Retry after `Retry-After`.",
            ProblemTypes.TooManyRequests);
        RetryAfter(operation, StatusCodes.Status429TooManyRequests, "Seconds (or an HTTP date) until a retry may succeed.");

        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiReference.BearerScheme, context.Document)] = [] }];
            Refusal(StatusCodes.Status401Unauthorized, "No valid bearer token.", ProblemTypes.Unauthorized);
            Refusal(StatusCodes.Status403Forbidden, "The token's role may not do this.", ProblemTypes.Forbidden);
        }

        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            Refusal(StatusCodes.Status400BadRequest, "The request is not valid; nothing from it was kept.",
                ProblemTypes.RawCardNumber, ProblemTypes.InvalidText, ProblemTypes.MalformedJson, ProblemTypes.BadRequest);
            Refusal(StatusCodes.Status413PayloadTooLarge, $"The body is over {ApiLimits.MaxRequestBodyBytes} bytes.", ProblemTypes.PayloadTooLarge);
            Refusal(StatusCodes.Status415UnsupportedMediaType, "A body that is not UTF-8 JSON.", ProblemTypes.UnsupportedMediaType);
            Refusal(StatusCodes.Status503ServiceUnavailable, "The cluster or the database is briefly unavailable; safe to retry after `Retry-After`.",
                ProblemTypes.Unavailable);
            RetryAfter(operation, StatusCodes.Status503ServiceUnavailable, "Seconds until a retry may succeed.");
        }

        if (metadata.OfType<IdempotencyKeyMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotentBody.Header,
                In = ParameterLocation.Header,
                Required = true,
                Description = "A unique key per request (e.g. a UUID), the same on every retry of it. The same key and body within " +
                    "24 h get the stored answer (same status and body); the same key with another body 422; while the first is still running 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotentBody.MaxKeyLength, Pattern = "^[ -~]+$" },
                Example = JsonValue.Create("5f0c6b1e-2a57-4c55-9a43-0d3c8f1f7a11"),
            });
            Refusal(StatusCodes.Status400BadRequest, "", ProblemTypes.IdempotencyKeyRequired);
            Refusal(StatusCodes.Status409Conflict, "", ProblemTypes.IdempotencyInFlight);
            Refusal(StatusCodes.Status422UnprocessableEntity, "", ProblemTypes.IdempotencyMismatch);
        }

        if (metadata.OfType<DeviceHeadersMetadata>().LastOrDefault() is { } device)
        {
            DeviceHeaders(operation, device.Channel);
            Refusal(StatusCodes.Status400BadRequest, "", ProblemTypes.DeviceRequired);
        }

        if (metadata.OfType<CustomerScopedMetadata>().Any())
        {
            Refusal(StatusCodes.Status404NotFound, "No such customer, or not one the caller may see.", ProblemTypes.CustomerNotFound);
            Refusal(StatusCodes.Status410Gone, "The customer was erased.", ProblemTypes.CustomerErased);
            if (isRead)
            {
                var moved = Response(operation, StatusCodes.Status308PermanentRedirect, "The customer was merged into another: the same path under the survivor's id.");
                Header(moved, "Location", "The same path and query under the surviving customer's id.");
            }
            else
            {
                Refusal(StatusCodes.Status409Conflict, "", ProblemTypes.CustomerMerged);
            }
        }

        if (operation.Parameters.FirstOrDefault(parameter => parameter.Name == "If-Match") is OpenApiParameter ifMatch)
        {
            ifMatch.Required = true;
            ifMatch.Description = "The version this change starts from, as the ETag of the last read (e.g. `\"3\"`): 428 without it, " +
                "412 with the current version when another change came first.";
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }
            if (status is "201" or "202")
            {
                Header(concrete, "Location", "Where the created resource (or the payment's receipt) is read.");
            }
            if (metadata.OfType<ETagMetadata>().Any() && (status.StartsWith('2') || status == "412"))
            {
                Header(concrete, "ETag", "The resource's version, to send back in If-Match.");
            }
        }

        if (operation.Parameters.Count == 0)
        {
            operation.Parameters = null;
        }
    }

    /// <summary>The responses of the operator endpoints that are not route handlers: health and metrics.</summary>
    public static void DescribeOperatorPaths(OpenApiDocument document, IOpenApiSchema problem)
    {
        document.Paths ??= new OpenApiPaths();
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "Operations", Description = "Health and metrics, for operators and orchestrators." });
        foreach (var (path, summary) in new[]
        {
            ("/health/live", "Live: the process answers."),
            ("/health/ready", "Ready: PostgreSQL and at least one silo answer."),
        })
        {
            var operation = new OpenApiOperation
            {
                Summary = summary,
                Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                Responses = new OpenApiResponses(),
            };
            Text(Response(operation, StatusCodes.Status200OK, "Healthy."));
            Text(Response(operation, StatusCodes.Status503ServiceUnavailable, "Unhealthy."));
            AddProblem(operation, problem, StatusCodes.Status429TooManyRequests, "Over a rate limit.", [ProblemTypes.TooManyRequests]);
            RetryAfter(operation, StatusCodes.Status429TooManyRequests, "Seconds until a retry may succeed.");
            document.Paths[path] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
        }

        var metrics = new OpenApiOperation
        {
            Summary = "Prometheus metrics. On the management port (Management:Port) without a token; otherwise for operators only.",
            Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
            Responses = new OpenApiResponses(),
            Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiReference.BearerScheme, document)] = [] }],
        };
        Text(Response(metrics, StatusCodes.Status200OK, "The metrics in Prometheus' text format."));
        AddProblem(metrics, problem, StatusCodes.Status401Unauthorized, "No valid bearer token.", [ProblemTypes.Unauthorized]);
        AddProblem(metrics, problem, StatusCodes.Status403Forbidden, "Not an operator's token.", [ProblemTypes.Forbidden]);
        AddProblem(metrics, problem, StatusCodes.Status429TooManyRequests, "Over a rate limit.", [ProblemTypes.TooManyRequests]);
        RetryAfter(metrics, StatusCodes.Status429TooManyRequests, "Seconds until a retry may succeed.");
        document.Paths[ManagementEndpoints.MetricsPath] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = metrics } };
    }

    private static void Text(OpenApiResponse response)
    {
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content["text/plain"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }

    private static void DeviceHeaders(OpenApiOperation operation, bool channel)
    {
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = CustomerRoutes.DeviceIdHeader,
            In = ParameterLocation.Header,
            Required = true,
            Description = "The calling device or till, as the client names it: recorded in the customer's sessions.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Grains.Sessions.Caller.MaxDeviceId, Pattern = "^[A-Za-z0-9._:-]+$" },
            Example = JsonValue.Create("web-3f9a1c2e"),
        });
        if (channel)
        {
            var channels = new List<JsonNode>();
            foreach (var name in Grains.Sessions.Channels.All)
            {
                channels.Add(JsonValue.Create(name));
            }
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = CustomerRoutes.ChannelHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description = "The channel of the call; payments are stamped with it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = channels },
                Example = JsonValue.Create(Grains.Sessions.Channels.Web),
            });
        }
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = CustomerRoutes.DeviceLabelHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "A name for the device the customer recognizes (e.g. \"Ada's phone\").",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Grains.Sessions.Caller.MaxDeviceLabel },
        });
    }

    private static OpenApiResponse Response(OpenApiOperation operation, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing) && existing is OpenApiResponse found)
        {
            return found;
        }
        var created = new OpenApiResponse { Description = description };
        operation.Responses[key] = created;
        return created;
    }

    /// <summary>A problem response for <paramref name="status"/>, with <paramref name="types"/> added to those it lists.</summary>
    private static void AddProblem(OpenApiOperation operation, IOpenApiSchema problem, int status, string description, IReadOnlyList<string> types)
    {
        var response = Response(operation, status, description);
        if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrase(status))
        {
            response.Description = description.Length > 0 ? description : ReasonPhrase(status);
        }
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        if (!response.Content.Keys.Any(type => type.Contains("problem+json", StringComparison.Ordinal)))
        {
            response.Content.Remove("application/json");
            response.Content[ApiReference.ProblemJson] = new OpenApiMediaType { Schema = problem };
        }
        response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        var listed = response.Extensions.TryGetValue(ProblemTypesExtension, out var extension) && extension is JsonNodeExtension { Node: JsonArray array }
            ? array
            : new JsonArray();
        foreach (var type in types.Where(type => !listed.Any(node => node?.GetValue<string>() == type)))
        {
            listed.Add(type);
        }
        response.Extensions[ProblemTypesExtension] = new JsonNodeExtension(listed);

        foreach (var media in response.Content.Values)
        {
            media.Examples ??= new Dictionary<string, IOpenApiExample>();
            foreach (var type in types)
            {
                media.Examples[type.Replace("/errors/", "", StringComparison.Ordinal)] = new OpenApiExample
                {
                    Value = new JsonObject { ["type"] = type, ["status"] = status },
                };
            }
        }
    }

    private static void RetryAfter(OpenApiOperation operation, int status, string description)
    {
        if (operation.Responses!.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) && response is OpenApiResponse concrete)
        {
            Header(concrete, "Retry-After", description);
        }
    }

    private static void Header(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers.TryAdd(name, new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
