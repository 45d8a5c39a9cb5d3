using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Grains.StepUp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.StepUp;

/// <summary>
/// The customer's own step-up before sensitive changes (raising or removing a cap, a new payment method, a new email or
/// phone, erasure): an authenticator app once enrolled, otherwise a one-time code sent to them. A step-up is fresh for
/// <c>StepUp:FreshFor</c>, for the device that made it only. Not the bank's challenge at payment confirm.
/// </summary>
public static class StepUpApi
{
    public static RouteGroupBuilder MapStepUpApi(this IEndpointRouteBuilder app)
    {
        var stepUp = app.MapCustomerGroup("/step-up").WithTags("Step-up")
            .RequireAuthorization(Policies.StepUp)
            .RequireRateLimiting(RateLimits.Money);
        stepUp.MapPost("/totp", EnrolTotp);
        stepUp.MapPost("/totp/confirm", ConfirmTotp);
        stepUp.MapPost("/challenge", Challenge);
        stepUp.MapPost("", Verify);
        return stepUp;
    }

    /// <summary>Starts enrolling an authenticator app (itself a sensitive change); it counts once confirmed with a first code.</summary>
    private static async Task<Results<Ok<TotpEnrolmentView>, ProblemHttpResult>> EnrolTotp(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).StartTotpEnrolment(cancellationToken) switch
        {
            AccountStepUpResult.TotpEnrolment enrolment => TypedResults.Ok(new TotpEnrolmentView(enrolment.Secret, enrolment.OtpauthUri)),
            var other => Problem(customerId, other, http),
        };

    /// <summary>Activates the app with its first code; that code also steps this device up.</summary>
    private static async Task<Results<Ok<StepUpVerifiedView>, ValidationProblem, ProblemHttpResult>> ConfirmTotp(
        string customerId, StepUpCodeRequest request, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.Code is not { } code)
        {
            return CodeRequired();
        }
        return await cluster.GetGrain<ICustomerGrain>(customerId).ConfirmTotpEnrolment(code, cancellationToken) switch
        {
            AccountStepUpResult.Verified verified => TypedResults.Ok(new StepUpVerifiedView(verified.Method, verified.Until)),
            var other => Problem(customerId, other, http),
        };
    }

    /// <summary><c>{method:"totp"}</c> with an app enrolled; otherwise a 6-digit code is sent (valid 10 minutes, once, for this device).</summary>
    private static async Task<Results<Ok<StepUpChallengeView>, ProblemHttpResult>> Challenge(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).ChallengeStepUp(cancellationToken) switch
        {
            AccountStepUpResult.Challenged challenged => TypedResults.Ok(new StepUpChallengeView(challenged.Method, challenged.ExpiresAt)),
            var other => Problem(customerId, other, http),
        };

    /// <summary>Checks the code; a right one lets this device make sensitive changes until <c>verifiedUntil</c>.</summary>
    private static async Task<Results<Ok<StepUpVerifiedView>, ValidationProblem, ProblemHttpResult>> Verify(
        string customerId, StepUpCodeRequest request, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.Code is not { } code)
        {
            return CodeRequired();
        }
        return await cluster.GetGrain<ICustomerGrain>(customerId).VerifyStepUp(code, cancellationToken) switch
        {
            AccountStepUpResult.Verified verified => TypedResults.Ok(new StepUpVerifiedView(verified.Method, verified.Until)),
            var other => Problem(customerId, other, http),
        };
    }

    private static ValidationProblem CodeRequired() =>
        ApiProblems.Validation(new Dictionary<string, string[]> { ["code"] = [$"is required: the {StepUpRules.CodeDigits}-digit code"] });

    private static ProblemHttpResult Problem(string customerId, AccountStepUpResult result, HttpContext http) => result switch
    {
        AccountStepUpResult.WrongCode wrong => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.StepUpCodeWrong,
            "The code is not right.",
            wrong.Method == StepUpMethods.Totp
                ? "Enter the current code from your authenticator app; each code works once."
                : "Enter the latest code sent to you, from the device that asked for it, within 10 minutes; each code works once.",
            new Dictionary<string, object?> { ["method"] = wrong.Method }),
        AccountStepUpResult.Locked locked => Locked(http, locked.Until),
        AccountStepUpResult.StepUpRequired stepUp => ApiProblems.StepUpRequired(customerId, stepUp.Method),
        AccountStepUpResult.NoEnrolment => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.TotpNotEnrolled,
            "No authenticator app is being set up.", $"Start with POST /v1/customers/{customerId}/step-up/totp."),
        _ => ApiProblems.CustomerNotFound(),
    };

    private static ProblemHttpResult Locked(HttpContext http, DateTimeOffset until)
    {
        // An HTTP date, so the answer needs no clock of its own.
        http.Response.Headers.RetryAfter = until.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblems.Of(StatusCodes.Status429TooManyRequests, ProblemTypes.AccountStepUpLocked,
            "Too many wrong step-up codes.",
            $"After {StepUpFailures.MaxWrongCodes} wrong codes within {StepUpFailures.Window.TotalMinutes:0} minutes, step-up is locked until {until:O}.",
            new Dictionary<string, object?> { ["until"] = until });
    }
}

public sealed record StepUpCodeRequest(string? Code);

public sealed record TotpEnrolmentView(string Secret, string OtpauthUri);

/// <summary><c>expiresAt</c> is when a sent code stops working (none for the authenticator app).</summary>
public sealed record StepUpChallengeView(string Method, DateTimeOffset? ExpiresAt);

public sealed record StepUpVerifiedView(string Method, DateTimeOffset VerifiedUntil);
