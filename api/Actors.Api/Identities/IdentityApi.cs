using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Hosting;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Identities;

/// <summary>
/// Channel identifiers: finding a customer by email, phone, loyalty card or device, and a customer's own loyalty
/// cards and devices. Email and phone are claimed and released through the profile.
/// </summary>
public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/identities").WithTags("Identities")
            .MapGet("/{kind}/{value}", Resolve).RequireAuthorization(Policies.ResolveIdentity)
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.IdentityNotFound);

        var identities = app.MapCustomerGroup("/identities").WithTags("Identities");
        identities.MapGet("", List).RequireAuthorization(Policies.ReadCustomer);
        identities.MapPost("", Claim).RequireAuthorization(Policies.WriteCustomer)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.IdentityTaken);
        identities.MapDelete("/{kind}/{value}", Release).RequireAuthorization(Policies.WriteCustomer)
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.IdentityNotFound);
        return app;
    }

    private static async Task<Results<Ok<IdentityView>, ValidationProblem, ProblemHttpResult>> Resolve(
        string kind, string value, IClusterClient cluster, IdentityKeys identityKeys, CancellationToken cancellationToken)
    {
        var parsed = Parse(kind, value);
        if (parsed is IdentityParse.Invalid { Error: RawCardNumberError })
        {
            return RawCardNumberProblem();
        }
        if (parsed is not IdentityParse.Valid { Identifier: var identifier })
        {
            return Invalid((IdentityParse.Invalid)parsed);
        }
        var customerId = await identityKeys.Grain(cluster, identifier).Resolve(cancellationToken);
        return customerId is null
            ? NotFound(identifier)
            : TypedResults.Ok(IdentityView.From(identifier, customerId, masked: false));
    }

    private static async Task<Results<Ok<IdentityView[]>, ProblemHttpResult>> List(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        var held = await cluster.GetGrain<ICustomerGrain>(customerId).GetIdentities(cancellationToken);
        return held is null
            ? ApiProblems.CustomerNotFound()
            : TypedResults.Ok(held.Select(identifier => IdentityView.From(identifier, customerId, http.User.SeesMaskedData())).ToArray());
    }

    private static async Task<Results<Created<IdentityView>, Ok<IdentityView>, ValidationProblem, ProblemHttpResult>> Claim(
        string customerId, IdentityRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var parsed = Parse(request.Kind, request.Value);
        if (parsed is IdentityParse.Invalid { Error: RawCardNumberError })
        {
            return RawCardNumberProblem();
        }
        if (parsed is not IdentityParse.Valid { Identifier: var identifier })
        {
            return Invalid((IdentityParse.Invalid)parsed);
        }
        if (IdentityKinds.IsProfileField(identifier.Kind))
        {
            return ProfileFieldProblem(identifier);
        }
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).ClaimIdentity(identifier, cancellationToken);
        return result switch
        {
            IdentityResult.Held { Added: true } => TypedResults.Created(IdentityView.PathOf(identifier), IdentityView.From(identifier, customerId, masked: false)),
            IdentityResult.Held => TypedResults.Ok(IdentityView.From(identifier, customerId, masked: false)),
            IdentityResult.Taken => ApiProblems.IdentityTaken(identifier),
            IdentityResult.ProfileField => ProfileFieldProblem(identifier),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Release(
        string customerId, string kind, string value, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var parsed = Parse(kind, value);
        if (parsed is IdentityParse.Invalid { Error: RawCardNumberError })
        {
            return RawCardNumberProblem();
        }
        if (parsed is not IdentityParse.Valid { Identifier: var identifier })
        {
            return Invalid((IdentityParse.Invalid)parsed);
        }
        if (IdentityKinds.IsProfileField(identifier.Kind))
        {
            return ProfileFieldProblem(identifier);
        }
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).ReleaseIdentity(identifier, cancellationToken);
        return result switch
        {
            IdentityResult.Released => TypedResults.NoContent(),
            IdentityResult.NotHeld => NotFound(identifier),
            IdentityResult.ProfileField => ProfileFieldProblem(identifier),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    // A card number in the path is refused like one in the body or query string: it is no loyalty card, and it must
    // not travel further (or be echoed back) than this check.
    internal static IdentityParse Parse(string? kind, string? value) =>
        value is not null && RawCardNumbers.Contains(value)
            ? new IdentityParse.Invalid("value", RawCardNumberError)
            : IdentityRules.Normalize(kind, value);

    internal const string RawCardNumberError = "is a payment card number";

    internal static ProblemHttpResult RawCardNumberProblem() =>
        ApiProblems.Of(StatusCodes.Status400BadRequest, ProblemTypes.RawCardNumber, "Card numbers must not be sent to this API.",
            $"The identifier is a payment card number; a loyalty card number has {IdentityRules.LoyaltyCardDigits} digits. "
            + "Nothing from this request was kept.");

    internal static ValidationProblem Invalid(IdentityParse.Invalid invalid) =>
        ApiProblems.Validation(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Error] });

    private static ValidationProblem ProfileFieldProblem(Identifier identifier) =>
        ApiProblems.Validation(new Dictionary<string, string[]>
        {
            ["kind"] = [$"a customer's {identifier.Kind} is set and cleared in the profile (PATCH /v1/customers/{{id}})"],
        });

    internal static ProblemHttpResult NotFound(Identifier identifier) =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.IdentityNotFound, $"No customer holds this {identifier.Kind}.");
}

/// <summary>A claim as <c>POST …/identities</c> takes it: <c>card</c> or <c>device</c>, and its value.</summary>
public sealed record IdentityRequest(string? Kind, string? Value);

/// <summary>An identifier, normalized, and the customer holding it. Support sees emails and phones masked in lists.</summary>
public sealed record IdentityView(string Kind, string Value, string CustomerId)
{
    public static IdentityView From(Identifier identifier, string customerId, bool masked) => new(
        identifier.Kind,
        !masked ? identifier.Value
            : identifier.Kind == IdentityKinds.Email ? CustomerView.MaskEmail(identifier.Value)!
            : identifier.Kind == IdentityKinds.Phone ? CustomerView.MaskPhone(identifier.Value)!
            : identifier.Value,
        customerId);

    public static string PathOf(Identifier identifier) =>
        $"/v1/identities/{identifier.Kind}/{Uri.EscapeDataString(identifier.Value)}";
}
