using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Wallets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Wallets;

/// <summary>Saved payment methods: gateway tokens with brand, last 4, expiry and billing country; never card numbers.</summary>
public static class PaymentMethodApi
{
    public static RouteGroupBuilder MapPaymentMethodApi(this IEndpointRouteBuilder app)
    {
        var methods = app.MapCustomerGroup("/payment-methods").WithTags("Payment methods");
        methods.MapGet("", List).RequireAuthorization(Policies.ReadCustomer);
        methods.MapPost("", Add).RequireAuthorization(Policies.WriteCustomer);
        methods.MapDelete("/{paymentMethodId}", Remove).RequireAuthorization(Policies.WriteCustomer);
        methods.MapPut("/{paymentMethodId}/preferred", Prefer).RequireAuthorization(Policies.WriteCustomer);
        return methods;
    }

    private static async Task<Results<Ok<PaymentMethodView[]>, ProblemHttpResult>> List(
        string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).GetPaymentMethods(cancellationToken) is WalletResult.Listed listed
            ? TypedResults.Ok(listed.Methods.Select(method => PaymentMethodView.From(method, listed.PreferredId)).ToArray())
            : ApiProblems.CustomerNotFound();

    /// <summary>
    /// 201 for a new method; 200 with the saved one when its token is already saved (safe to retry). A customer saving a
    /// new method needs a fresh step-up (403 <c>/errors/step-up-required</c> otherwise).
    /// </summary>
    private static async Task<Results<Created<PaymentMethodView>, Ok<PaymentMethodView>, ValidationProblem, ProblemHttpResult>> Add(
        string customerId, PaymentMethodRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).AddPaymentMethod(request.ToDraft(), cancellationToken);
        return result switch
        {
            WalletResult.Saved { Created: true } saved => TypedResults.Created(
                $"/v1/customers/{customerId}/payment-methods/{saved.Method.Id}", View(saved)),
            WalletResult.Saved saved => TypedResults.Ok(View(saved)),
            WalletResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            WalletResult.StepUpRequired stepUp => ApiProblems.StepUpRequired(customerId, stepUp.Method),
            _ => ApiProblems.CustomerNotFound(),
        };

        static PaymentMethodView View(WalletResult.Saved saved) => PaymentMethodView.From(saved.Method, saved.Preferred ? saved.Method.Id : null);
    }

    /// <summary>200 with the removed method, token included, so that the device can undo by saving it again.</summary>
    private static async Task<Results<Ok<RemovedPaymentMethodView>, ProblemHttpResult>> Remove(
        string customerId, string paymentMethodId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).RemovePaymentMethod(paymentMethodId, cancellationToken) switch
        {
            WalletResult.Removed removed => TypedResults.Ok(RemovedPaymentMethodView.From(removed)),
            WalletResult.NotFound => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentMethodNotFound, "No such saved payment method."),
            _ => ApiProblems.CustomerNotFound(),
        };

    /// <summary>Makes the method the one offered first (the previous preferred one no longer is); safe to repeat.</summary>
    private static async Task<Results<Ok<PaymentMethodView>, ProblemHttpResult>> Prefer(
        string customerId, string paymentMethodId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await cluster.GetGrain<ICustomerGrain>(customerId).PreferPaymentMethod(paymentMethodId, cancellationToken) switch
        {
            WalletResult.Saved saved => TypedResults.Ok(PaymentMethodView.From(saved.Method, saved.Method.Id)),
            WalletResult.NotFound => ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentMethodNotFound, "No such saved payment method."),
            _ => ApiProblems.CustomerNotFound(),
        };
}

public sealed record PaymentMethodRequest(string? Token, string? Brand, string? Last4, int ExpiryMonth, int ExpiryYear, string? BillingCountry, bool Preferred)
{
    public PaymentMethodDraft ToDraft() => new(Token, Brand, Last4, ExpiryMonth, ExpiryYear, BillingCountry, Preferred);
}

/// <summary>A method just removed: everything needed to save it again (the undo of a removal).</summary>
public sealed record RemovedPaymentMethodView(
    string Id, string Token, string Brand, string Last4, int ExpiryMonth, int ExpiryYear, string BillingCountry, bool Preferred)
{
    public static RemovedPaymentMethodView From(WalletResult.Removed removed) => new(
        removed.Method.Id, removed.Method.Token, removed.Method.Brand, removed.Method.Last4, removed.Method.ExpiryMonth,
        removed.Method.ExpiryYear, removed.Method.BillingCountry, removed.WasPreferred);
}
