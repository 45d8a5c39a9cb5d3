using System.Text.Json;
using Actors.Api.Auth;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Erasure;
using Actors.Grains.Profiles;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Actors.Api.Customers;

public static class CustomerApi
{
    public static RouteGroupBuilder MapCustomerApi(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/v1/customers").WithTags("Customers");
        customers.MapPost("", Create).RequireAuthorization(Policies.CreateCustomer).SendsETag()
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.IdentityTaken, ProblemTypes.Conflict);

        var customer = app.MapCustomerGroup().WithTags("Customers");
        customer.MapGet("", Get).RequireAuthorization(Policies.ReadCustomer).SendsETag();
        customer.MapPatch("", Patch)
            .RequireAuthorization(Policies.WriteCustomer)
            .SendsETag()
            .Refuses(StatusCodes.Status403Forbidden, ProblemTypes.StepUpRequired)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.IdentityTaken)
            .Refuses(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch)
            .Refuses(StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired)
            .Accepts<ProfileRequest>("application/merge-patch+json", "application/json");
        customer.MapDelete("", Erase).RequireAuthorization(Policies.WriteCustomer)
            .Refuses(StatusCodes.Status403Forbidden, ProblemTypes.StepUpRequired)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.ErasureBlocked);
        customer.MapGet("/sessions", Sessions).RequireAuthorization(Policies.ReadCustomer);
        customer.MapGet("/points", Points).RequireAuthorization(Policies.ReadCustomer);
        return customers;
    }

    private static async Task<Results<Created<CustomerView>, ValidationProblem, ProblemHttpResult>> Create(
        ProfileRequest request, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        var id = CustomerId.New();
        var result = await cluster.GetGrain<ICustomerGrain>(id).Create(request.ToDraft(), cancellationToken);
        switch (result)
        {
            case ProfileResult.Found found:
                http.Response.Headers.ETag = EntityTag.Of(found.Profile.Version);
                return TypedResults.Created($"/v1/customers/{id}", CustomerView.From(found.Profile, http.User.SeesMaskedData()));
            case ProfileResult.Invalid invalid:
                return ApiProblems.Validation(invalid.Errors);
            case ProfileResult.IdentityTaken taken:
                return ApiProblems.IdentityTaken(taken.Identifier);
            default:
                // A fresh 100-bit id that already exists: astronomically unlikely, and the client may simply retry.
                return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Customer id collision; retry.");
        }
    }

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> Get(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).GetProfile(cancellationToken);
        if (result is not ProfileResult.Found found)
        {
            return ApiProblems.CustomerNotFound();
        }
        http.Response.Headers.ETag = EntityTag.Of(found.Profile.Version);
        return TypedResults.Ok(CustomerView.From(found.Profile, http.User.SeesMaskedData()));
    }

    /// <summary>
    /// Erases the customer by crypto-shredding (README, Erasure): <c>204</c> once every step is done (again on a repeat),
    /// <c>202</c> <c>{status: "erasing"}</c> when a step must wait (a reminder finishes it; asking again does too).
    /// The customer erases themselves; an operator erases anyone.
    /// </summary>
    private static async Task<Results<NoContent, Accepted<ErasureView>, ProblemHttpResult>> Erase(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        var by = http.User.IsInRole(Roles.Operator) ? ErasedBy.Operator : ErasedBy.Customer;
        return await cluster.GetGrain<ICustomerGrain>(customerId).Erase(by, cancellationToken) switch
        {
            ErasureResult.Erased => TypedResults.NoContent(),
            ErasureResult.Erasing => TypedResults.Accepted((string?)null, new ErasureView("erasing")),
            ErasureResult.Blocked blocked => ApiProblems.ErasureBlocked(blocked.Reason, blocked.Detail),
            ErasureResult.StepUpRequired stepUp => ApiProblems.StepUpRequired(customerId, stepUp.Method),
            _ => ApiProblems.CustomerNotFound(),
        };
    }

    private static async Task<Results<Ok<SessionView[]>, ProblemHttpResult>> Sessions(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var sessions = await cluster.GetGrain<ICustomerGrain>(customerId).GetSessions(cancellationToken);
        return sessions is null
            ? ApiProblems.CustomerNotFound()
            : TypedResults.Ok(sessions.Select(session => new SessionView(
                session.DeviceId, session.Channel, session.DeviceLabel, session.FirstSeen, session.LastSeen)).ToArray());
    }

    /// <summary>The loyalty points the customer can redeem now; a checkout's summary says what they are worth in it.</summary>
    private static async Task<Results<Ok<LoyaltyPointsView>, ProblemHttpResult>> Points(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetLoyaltyPoints(cancellationToken) is { } balance
            ? TypedResults.Ok(new LoyaltyPointsView(balance))
            : ApiProblems.CustomerNotFound();

    private static async Task<Results<Ok<CustomerView>, ValidationProblem, ProblemHttpResult>> Patch(
        string customerId, [FromBody] JsonElement body, [FromHeader(Name = "If-Match")] string? ifMatch,
        IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (ifMatch is null)
        {
            return ApiProblems.IfMatchRequired("profile");
        }

        var errors = new Dictionary<string, string[]>();
        var patch = ProfileRequest.ParsePatch(body, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        // An unparsable If-Match names no version: it can only fail to match, like a stale one.
        var expected = EntityTag.TryParse(ifMatch, out var version) ? version : -1;
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).UpdateProfile(expected, patch, cancellationToken);
        switch (result)
        {
            case ProfileResult.Found found:
                http.Response.Headers.ETag = EntityTag.Of(found.Profile.Version);
                return TypedResults.Ok(CustomerView.From(found.Profile, http.User.SeesMaskedData()));
            case ProfileResult.Invalid invalid:
                return ApiProblems.Validation(invalid.Errors);
            case ProfileResult.IdentityTaken taken:
                return ApiProblems.IdentityTaken(taken.Identifier);
            case ProfileResult.StepUpRequired stepUp:
                return ApiProblems.StepUpRequired(customerId, stepUp.Method);
            case ProfileResult.VersionMismatch mismatch:
                http.Response.Headers.ETag = EntityTag.Of(mismatch.Current.Version);
                return ApiProblems.Of(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch,
                    "The profile has changed since you read it.",
                    "Read the profile again, reapply your change, and send the new ETag in If-Match.",
                    new Dictionary<string, object?> { ["currentVersion"] = mismatch.Current.Version });
            default:
                return ApiProblems.CustomerNotFound();
        }
    }
}
