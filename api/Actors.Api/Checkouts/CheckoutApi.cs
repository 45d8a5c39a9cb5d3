using System.Collections.Immutable;
using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Hosting;
using Actors.Api.Idempotency;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Checkouts;

/// <summary>
/// Two-step checkout. Creating one charges nothing; confirming it is the explicit consent to pay. Both need an
/// <c>Idempotency-Key</c>. Totals in another currency than the caps' are converted with the configured rate table,
/// rounding half away from zero, and the converted amount is what counts against the caps.
/// </summary>
public static class CheckoutApi
{
    private const string Conversion =
        "Requires an Idempotency-Key. A total in another currency than the caps' is converted with the configured rate table: " +
        "amount / 10^(minor units of its currency) / rate(its currency) × rate(caps' currency), rounded half away from zero " +
        "to the caps' minor unit; the converted amount is what counts against the caps.";

    public static RouteGroupBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        var checkouts = app.MapCustomerGroup("/checkouts").WithTags("Checkout");
        checkouts.MapPost("", Create)
            .RequireAuthorization(Policies.WriteCustomer)
            .RequireRateLimiting(RateLimits.Money)
            .WithSummary("Create a checkout (step 1): nothing is charged.")
            .WithDescription(Conversion)
            .Accepts<CheckoutRequest>("application/json")
            .RequiresIdempotencyKey()
            .Refuses(StatusCodes.Status403Forbidden, ProblemTypes.SelfExcluded)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.CartEmpty, ProblemTypes.PointsUnavailable)
            .Refuses(StatusCodes.Status422UnprocessableEntity, ProblemTypes.UnknownSku, ProblemTypes.UnsupportedCurrency);
        checkouts.MapGet("/{checkoutId}", Get)
            .RequireAuthorization(Policies.ReadCustomer)
            .WithSummary("A checkout as it stands, with the payment methods and headroom it would be offered with now.")
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.CheckoutNotFound);
        checkouts.MapPost("/{checkoutId}/confirm", Confirm)
            .RequireAuthorization(Policies.WriteCustomer)
            .RequireRateLimiting(RateLimits.Money)
            .WithSummary("Confirm a checkout (step 2): checks the caps, reserves, charges, settles or releases.")
            .WithDescription(Conversion)
            .Accepts<ConfirmRequest>("application/json")
            .RequiresIdempotencyKey()
            .Refuses(StatusCodes.Status403Forbidden, ProblemTypes.SelfExcluded)
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.CheckoutNotFound)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.CapExceeded, ProblemTypes.CheckoutExpired, ProblemTypes.CheckoutClosed,
                ProblemTypes.PointsUnavailable)
            .Refuses(StatusCodes.Status422UnprocessableEntity, ProblemTypes.PaymentMethodNotFound, ProblemTypes.PaymentMethodNotOffered,
                ProblemTypes.UnsupportedCurrency)
            .Refuses(StatusCodes.Status429TooManyRequests, ProblemTypes.StepUpLocked)
            .Refuses(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable);

        var payments = app.MapCustomerGroup("/payments").WithTags("Payments");
        payments.MapPost("/{paymentId}/refunds", Refund)
            .RequireAuthorization(Policies.Refund)
            .RequireRateLimiting(RateLimits.Money)
            .Accepts<RefundRequestBody>("application/json")
            .RequiresIdempotencyKey()
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.PaymentNotFound)
            .Refuses(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RefundExceedsCaptured)
            .Refuses(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable);
        return checkouts;
    }

    /// <summary>A checkout of the explicit <c>lines</c>, or of the shared cart when the body names none.</summary>
    private static async Task<Results<Created<CheckoutView>, ValidationProblem, ProblemHttpResult>> Create(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        await Run<CheckoutRequest>(customerId, cluster, http, (grain, request, body) =>
            grain.CreateCheckout(request, body.ToDraft(), cancellationToken), cancellationToken) switch
        {
            { Result: { } result } => MoneyResponses.CheckoutCreated(result, customerId, http),
            var refused => refused.Problem!,
        };

    /// <summary>Read from the customer's state in memory: the summary as the checkout would be shown now.</summary>
    private static async Task<Results<Ok<CheckoutView>, ProblemHttpResult>> Get(
        string customerId, string checkoutId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetCheckout(checkoutId, cancellationToken) is { } summary
            ? TypedResults.Ok(CheckoutView.From(summary))
            : ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CheckoutNotFound, "No such checkout.");

    /// <summary>Pays the checkout with a saved method: succeeded, declined, requires_action (confirm again with the code) or processing.</summary>
    private static async Task<Results<Ok<PaymentView>, Accepted<PaymentView>, ValidationProblem, ProblemHttpResult>> Confirm(
        string customerId, string checkoutId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        await Run<ConfirmRequest>(customerId, cluster, http, (grain, request, body) =>
            grain.ConfirmCheckout(request, checkoutId, new ConfirmDraft(body.PaymentMethodId, body.StepUpCode), cancellationToken), cancellationToken) switch
        {
            { Result: { } result } => MoneyResponses.Confirmed(result, customerId, http),
            var refused => refused.Problem!,
        };

    /// <summary>Refunds part (<c>amount</c>) or all of a succeeded payment; never more than was captured.</summary>
    private static async Task<Results<Created<RefundView>, ValidationProblem, ProblemHttpResult>> Refund(
        string customerId, string paymentId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        await Run<RefundRequestBody>(customerId, cluster, http, (grain, request, body) =>
            grain.RefundPayment(request, paymentId, new RefundDraft(body.Amount, body.Reason), cancellationToken), cancellationToken) switch
        {
            { Result: { } result } => MoneyResponses.Refunded(result, customerId, http),
            var refused => refused.Problem!,
        };

    /// <summary>
    /// The shape of every money-moving endpoint: read key and body, run it (the grain answers a retry with the first
    /// answer, and a request still running with 409, before it decides anything); render the outcome.
    /// </summary>
    private static async Task<(ProblemHttpResult? Problem, MoneyResult? Result)> Run<TBody>(
        string customerId, IClusterClient cluster, HttpContext http,
        Func<ICustomerGrain, IdempotentRequest, TBody, Task<MoneyResult>> operation, CancellationToken cancellationToken)
        where TBody : class
    {
        var (request, body, problem) = await IdempotentBody.Read<TBody>(http, cancellationToken);
        if (problem is not null)
        {
            return (problem, null);
        }
        return (null, await operation(cluster.GetGrain<ICustomerGrain>(customerId), request!, body!));
    }
}

/// <summary>A line a device asks to pay for: a SKU and a quantity; the price is the catalog's.</summary>
public sealed record CheckoutLineRequest(string? Sku, int Quantity);

/// <param name="Country">ISO 3166 code of the country the shopper is in; used to choose the display currency only with the <c>location</c> consent.</param>
/// <param name="RedeemPoints">Loyalty points to pay part of the total with.</param>
public sealed record CheckoutRequest(CheckoutLineRequest[]? Lines, string? Description, string? Country = null, long RedeemPoints = 0)
{
    public CheckoutDraft ToDraft() => new(
        Lines?.Select(line => new CheckoutDraftLine(line.Sku, line.Quantity)).ToImmutableList(),
        Description)
    {
        Country = Country,
        RedeemPoints = RedeemPoints,
    };
}

public sealed record ConfirmRequest(string? PaymentMethodId, string? StepUpCode);

public sealed record RefundRequestBody(long? Amount, string? Reason);
