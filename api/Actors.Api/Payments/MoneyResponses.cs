using Actors.Api.Catalog;
using Actors.Api.Problems;
using Actors.Grains.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Payments;

/// <summary>
/// Turns the outcome of a money-moving request into its HTTP response. Everything in the response comes from the
/// stored outcome (no clock, no trace id), so a replay under the same idempotency key is byte for byte the same.
/// </summary>
public static class MoneyResponses
{
    /// <summary>Set on responses that must replay exactly; the problem details writer leaves out the trace id for them.</summary>
    public const string ReplayableItem = "actors.replayable";

    /// <summary>Any money outcome as its response (the till's endpoints, which answer several kinds).</summary>
    public static IResult From(MoneyResult result, string customerId, HttpContext http) => result switch
    {
        MoneyResult.CheckoutCreated => CheckoutCreated(result, customerId, http).Result,
        MoneyResult.PaymentResult => Confirmed(result, customerId, http).Result,
        MoneyResult.Refunded => Refunded(result, customerId, http).Result,
        MoneyResult.Invalid => Confirmed(result, customerId, http).Result,
        _ => Refusal(result, http),
    };

    /// <summary>The answer to creating a checkout.</summary>
    public static Results<Created<CheckoutView>, ValidationProblem, ProblemHttpResult> CheckoutCreated(MoneyResult result, string customerId, HttpContext http)
    {
        http.Items[ReplayableItem] = true;
        return result switch
        {
            MoneyResult.CheckoutCreated created => TypedResults.Created(
                $"/v1/customers/{customerId}/checkouts/{created.Summary.Checkout.Id}", CheckoutView.From(created.Summary)),
            MoneyResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            _ => Refusal(result, http),
        };
    }

    /// <summary>The answer to confirming a checkout: the payment (202 while the gateway has not decided it), or a refusal.</summary>
    public static Results<Ok<PaymentView>, Accepted<PaymentView>, ValidationProblem, ProblemHttpResult> Confirmed(
        MoneyResult result, string customerId, HttpContext http)
    {
        http.Items[ReplayableItem] = true;
        return result switch
        {
            MoneyResult.PaymentResult { Payment.Status: PaymentStatus.Processing } processing => TypedResults.Accepted(
                $"/v1/customers/{customerId}/payments/{processing.Payment.Id}/receipt", PaymentView.From(processing.Payment)),
            MoneyResult.PaymentResult payment => TypedResults.Ok(PaymentView.From(payment.Payment)),
            MoneyResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            _ => Refusal(result, http),
        };
    }

    /// <summary>The answer to a refund.</summary>
    public static Results<Created<RefundView>, ValidationProblem, ProblemHttpResult> Refunded(MoneyResult result, string customerId, HttpContext http)
    {
        http.Items[ReplayableItem] = true;
        return result switch
        {
            MoneyResult.Refunded refunded => TypedResults.Created(
                $"/v1/customers/{customerId}/payments/{refunded.Payment.Id}/receipt",
                new RefundView(refunded.Refund.Id, refunded.Refund.PaymentId, refunded.Refund.Amount, refunded.Refund.Currency,
                    refunded.Refund.Reason, refunded.Refund.CreatedAt, refunded.Payment.Refunded, refunded.Payment.Refundable)),
            MoneyResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            _ => Refusal(result, http),
        };
    }

    /// <summary>Every refusal of a money-moving request, as problem details with its stable type.</summary>
    public static ProblemHttpResult Refusal(MoneyResult result, HttpContext http)
    {
        http.Items[ReplayableItem] = true;
        return result switch
        {
            MoneyResult.CapExceeded cap => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CapExceeded,
                $"This payment would exceed the {WireNames.Of(cap.Window)} spending cap.",
                $"{cap.Remaining} {cap.Currency} (minor units) remain of the {WireNames.Of(cap.Window)} cap of {cap.Cap} until {cap.ResetsAt:O}.",
                new Dictionary<string, object?>
                {
                    ["window"] = WireNames.Of(cap.Window),
                    ["cap"] = cap.Cap,
                    ["headroom"] = cap.Remaining,
                    ["currency"] = cap.Currency,
                    ["resetsAt"] = cap.ResetsAt,
                }),
            MoneyResult.SelfExcluded excluded => ApiProblems.Of(StatusCodes.Status403Forbidden, ProblemTypes.SelfExcluded,
                "Checkout is blocked by the customer's self-exclusion.",
                $"The customer chose to exclude themselves from purchases until {excluded.Until:O}.",
                new Dictionary<string, object?> { ["until"] = excluded.Until }),
            MoneyResult.CheckoutExpired expired => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CheckoutExpired,
                "The checkout has expired.", "Create a new checkout; nothing was charged.",
                new Dictionary<string, object?> { ["checkoutId"] = expired.CheckoutId, ["expiredAt"] = expired.ExpiredAt }),
            MoneyResult.CheckoutClosed closed => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CheckoutClosed,
                closed.Status == Grains.Checkouts.CheckoutStatus.Succeeded
                    ? "The checkout has already been paid."
                    : "A payment of this checkout is still being decided.",
                extensions: new Dictionary<string, object?>
                {
                    ["checkoutId"] = closed.CheckoutId,
                    ["status"] = WireNames.Of(closed.Status),
                    ["paymentId"] = closed.PaymentId,
                }),
            MoneyResult.UnknownSku unknown => CatalogProblems.UnknownSku(unknown.Sku),
            MoneyResult.PointsUnavailable points => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.PointsUnavailable,
                "Not enough loyalty points are left for this checkout.",
                $"The checkout redeems {points.Needed} points and {points.Balance} are left. Create a new checkout.",
                new Dictionary<string, object?> { ["needed"] = points.Needed, ["balance"] = points.Balance }),
            MoneyResult.MethodNotOffered method => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.PaymentMethodNotOffered,
                "This card is not offered for this purchase.",
                "To protect the customer, only cards they have paid with before can pay this checkout; its summary lists them.",
                new Dictionary<string, object?> { ["paymentMethodId"] = method.PaymentMethodId }),
            MoneyResult.CartEmpty => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.CartEmpty,
                "The cart is empty.", "Add items to the cart, or send the lines to pay for."),
            MoneyResult.UnsupportedCurrency currency => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.UnsupportedCurrency,
                $"Payments in {currency.From} are not accepted.",
                $"No exchange rate from {currency.From} to the caps' currency {currency.To} is configured."),
            MoneyResult.RefundExceedsCaptured refund => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RefundExceedsCaptured,
                "The refund exceeds what can still be refunded.",
                $"{refund.Refundable} {refund.Currency} (minor units) of the captured amount can still be refunded.",
                new Dictionary<string, object?> { ["refundable"] = refund.Refundable, ["currency"] = refund.Currency }),
            MoneyResult.NotFound { What: MissingThing.Customer } => ApiProblems.CustomerNotFound(),
            MoneyResult.NotFound { What: MissingThing.Checkout } => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CheckoutNotFound, "No such checkout."),
            MoneyResult.NotFound { What: MissingThing.Payment } => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentNotFound, "No such payment."),
            MoneyResult.NotFound { What: MissingThing.PaymentMethod } => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.PaymentMethodNotFound,
                "No such saved payment method.", "Pay with the id of one of the customer's saved payment methods."),
            MoneyResult.GatewayUnavailable => Unavailable(http),
            MoneyResult.StepUpLocked locked => StepUpLocked(http, locked.Until),
            MoneyResult.IdempotencyMismatch => ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyMismatch,
                "This Idempotency-Key was used for a different request.",
                "A key may be reused only to retry the same request (same path and body) within 24 hours. Use a new key for a new request."),
            MoneyResult.IdempotencyInFlight => ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInFlight,
                "A request with this Idempotency-Key is still running.", "Retry after it has finished to get its result."),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.GetType().Name, "Unmapped money result."),
        };
    }

    private static ProblemHttpResult StepUpLocked(HttpContext http, DateTimeOffset until)
    {
        // An HTTP date, so the answer needs no clock of its own.
        http.Response.Headers.RetryAfter = until.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblems.Of(StatusCodes.Status429TooManyRequests, ProblemTypes.StepUpLocked,
            "Too many wrong authentication codes.",
            $"After {StepUpFailures.MaxWrongCodes} wrong codes within {StepUpFailures.Window.TotalMinutes:0} minutes, no code is tried until {until:O}; " +
            "the payment waits for the right code until then, while its checkout lasts.",
            new Dictionary<string, object?> { ["until"] = until });
    }

    private static ProblemHttpResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return ApiProblems.Of(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable,
            "The payment gateway did not answer; retry shortly with the same Idempotency-Key.");
    }
}
