using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Actors.Api.Auth;
using Actors.Api.Checkouts;
using Actors.Api.Customers;
using Actors.Api.Hosting;
using Actors.Api.Idempotency;
using Actors.Api.Identities;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Identity;
using Actors.Grains.Payments;
using Actors.Grains.Privacy;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Pos;

/// <summary>
/// Store tills: a checkout for the customer holding a loyalty card (or a guest enrolled for it), paid at the till or
/// handed to the customer's phone. The checkout is the customer's own, made with channel <c>pos</c> and the till as the
/// device, so caps, self-exclusion, consent, personalization and idempotency apply exactly as online.
/// </summary>
public static class PosApi
{
    public const string PayAtTill = "till";
    public const string PayOnPhone = "phone";

    /// <summary>A guest's profile until they complete it: the merchant's currency, and UTC until a time zone is known.</summary>
    private const string GuestCurrency = "EUR";
    private const string GuestTimeZone = "UTC";
    private const string GuestName = "Store guest";

    public static RouteGroupBuilder MapPosApi(this IEndpointRouteBuilder app)
    {
        var pos = app.MapGroup("/v1/pos/checkouts").WithTags("Store tills")
            .RequireAuthorization(Policies.Till)
            .RequireRateLimiting(RateLimits.Money)
            .ReadsDevice(channel: false)
            .AddEndpointFilter(CustomerRoutes.ToSurvivor);
        pos.MapPost("", Create)
            .WithSummary("A checkout at a store till for the customer holding a loyalty card; paid at the till or on the customer's phone.")
            .Accepts<PosCheckoutRequest>("application/json")
            .RequiresIdempotencyKey()
            .Produces<TillView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem();
        pos.MapGet("/{customerId}/{checkoutId}", Get)
            .WithSummary("A checkout this till made, with its payment: how the till catches up after a reconnect.")
            .Produces<TillView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        pos.MapPost("/{customerId}/{checkoutId}/confirm", Confirm)
            .WithSummary("Confirms a till checkout again, e.g. with the step-up code the bank asked for.")
            .Accepts<ConfirmRequest>("application/json")
            .RequiresIdempotencyKey()
            .Produces<PaymentView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return pos;
    }

    private static async Task<IResult> Create(IClusterClient cluster, IdentityKeys identityKeys, HttpContext http, CancellationToken cancellationToken)
    {
        if (Till(http) is not { } till)
        {
            return DeviceRequired();
        }
        var (request, body, problem) = await IdempotentBody.Read<PosCheckoutRequest>(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var parsed = IdentityApi.Parse(IdentityKinds.Card, body!.Card);
        if (parsed is IdentityParse.Invalid { Error: IdentityApi.RawCardNumberError })
        {
            return IdentityApi.RawCardNumberProblem();
        }
        if (parsed is not IdentityParse.Valid { Identifier: var card })
        {
            var invalid = (IdentityParse.Invalid)parsed;
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["card"] = [invalid.Error] });
        }
        if (Validate(body) is { Count: > 0 } errors)
        {
            return ApiProblems.Validation(errors);
        }

        RequestContext.Set(Caller.ContextKey, till);
        var guestId = GuestEnrolment.GuestIdFor(till.DeviceId, request!.Key);
        var customerId = await identityKeys.Grain(cluster, card).Resolve(cancellationToken);
        if (customerId is null)
        {
            if (body.Enrol is null)
            {
                return IdentityApi.NotFound(card);
            }
            var draft = new ProfileDraft(string.IsNullOrWhiteSpace(body.Enrol.Name) ? GuestName : body.Enrol.Name.Trim(),
                null, null, null, GuestCurrency, GuestTimeZone);
            switch (await cluster.GetGrain<ICustomerGrain>(guestId).EnrolGuest(draft, card, cancellationToken))
            {
                case ProfileResult.Found:
                    customerId = guestId;
                    break;
                case ProfileResult.IdentityTaken:
                    // Another till enrolled this card a moment ago: its guest is the customer, once its claim has settled.
                    customerId = await SettledHolder(cluster, identityKeys, card, cancellationToken);
                    break;
                case ProfileResult.Invalid invalid:
                    return ApiProblems.Validation(invalid.Errors.ToDictionary(error => "enrol." + error.Key, error => error.Value));
                default:
                    // The guest of this key exists and holds another card: the key was used for another request.
                    return MoneyResponses.From(new MoneyResult.IdempotencyMismatch(), guestId, http);
            }
            if (customerId is null)
            {
                http.Response.Headers.RetryAfter = "1";
                return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
                    "Another till is enrolling this loyalty card right now; retry with the same Idempotency-Key.");
            }
        }

        var customer = cluster.GetGrain<ICustomerGrain>(customerId);
        var lines = body.Lines!.Select(line => new CheckoutDraftLine(line.Sku, line.Quantity)).ToImmutableList();
        var created = await customer.CreateCheckout(request, new CheckoutDraft(lines, body.Description) { HandedToPhone = body.Pay == PayOnPhone }, cancellationToken);
        if (created is not MoneyResult.CheckoutCreated { Summary: var summary })
        {
            return MoneyResponses.From(created, customerId, http);
        }
        var enrolled = customerId == guestId;
        if (body.Pay == PayOnPhone)
        {
            return Answer(http, customerId, enrolled, summary, payment: null);
        }
        // Without a named card the customer's preferred one pays (the summary offers it first).
        if ((body.PaymentMethodId ?? summary.PaymentMethods.FirstOrDefault()?.Id) is not { } methodId)
        {
            return ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.PaymentMethodNotFound,
                "The customer has no saved card to pay with at the till.",
                "Hand the checkout to the customer's phone (pay: \"phone\"), where they can add a card; this checkout expires unpaid.");
        }
        var confirmed = await customer.ConfirmCheckout(ConfirmationOf(request), summary.Checkout.Id,
            new ConfirmDraft(methodId, StepUpCode: null), cancellationToken);
        return confirmed is MoneyResult.PaymentResult { Payment: var payment }
            ? Answer(http, customerId, enrolled, summary, payment)
            : MoneyResponses.From(confirmed, customerId, http);
    }

    /// <summary>
    /// The holder of a card another request is claiming: its claim settles once that customer's journal holds it,
    /// which is a commit away, so ask a few times before giving up (the caller then retries with the same key).
    /// </summary>
    private static async Task<string?> SettledHolder(IClusterClient cluster, IdentityKeys identityKeys, Identifier card, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await identityKeys.Grain(cluster, card).Resolve(cancellationToken) is { } holder)
            {
                return holder;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        return null;
    }

    /// <summary>Confirms a till checkout again (a step-up code, or another saved method after a decline).</summary>
    private static async Task<IResult> Confirm(string customerId, string checkoutId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (Till(http) is not { } till)
        {
            return DeviceRequired();
        }
        if (!CustomerId.IsWellFormed(customerId))
        {
            return ApiProblems.CustomerNotFound();
        }
        var (request, body, problem) = await IdempotentBody.Read<ConfirmRequest>(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        RequestContext.Set(Caller.ContextKey, till);
        var customer = cluster.GetGrain<ICustomerGrain>(customerId);
        if (await OwnCheckout(customer, checkoutId, till, cancellationToken) is null)
        {
            return CheckoutNotFound();
        }
        var result = await customer.ConfirmCheckout(request!, checkoutId, new ConfirmDraft(body!.PaymentMethodId, body.StepUpCode), cancellationToken);
        return MoneyResponses.From(result, customerId, http);
    }

    private static async Task<IResult> Get(string customerId, string checkoutId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (Till(http) is not { } till)
        {
            return DeviceRequired();
        }
        if (!CustomerId.IsWellFormed(customerId))
        {
            return ApiProblems.CustomerNotFound();
        }
        var customer = cluster.GetGrain<ICustomerGrain>(customerId);
        if (await OwnCheckout(customer, checkoutId, till, cancellationToken) is not { } summary)
        {
            return CheckoutNotFound();
        }
        var payment = summary.Checkout.PaymentId is { } paymentId ? await customer.GetPayment(paymentId, cancellationToken) : null;
        return TypedResults.Ok(TillView.From(customerId, enrolled: false, summary, payment));
    }

    /// <summary>A checkout <paramref name="till"/> made; a till sees no others (another till's, or online ones).</summary>
    private static async Task<CheckoutSummary?> OwnCheckout(ICustomerGrain customer, string checkoutId, Caller till, CancellationToken cancellationToken) =>
        await customer.GetCheckout(checkoutId, cancellationToken) is { Checkout.TillId: var tillId } summary && tillId == till.DeviceId
            ? summary
            : null;

    private static ProblemHttpResult CheckoutNotFound() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CheckoutNotFound, "No such checkout.");

    private static Dictionary<string, string[]> Validate(PosCheckoutRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Lines is not { Length: > 0 })
        {
            errors["lines"] = ["at least one line {sku, quantity} is required"];
        }
        if (body.Pay is not (PayAtTill or PayOnPhone))
        {
            errors["pay"] = [$"must be \"{PayAtTill}\" or \"{PayOnPhone}\""];
        }
        else if (body.Pay == PayOnPhone && body.PaymentMethodId is not null)
        {
            errors["paymentMethodId"] = ["is chosen by the customer on their phone"];
        }
        return errors;
    }

    /// <summary>The till: its <c>X-Device-Id</c>, always on channel <c>pos</c>, whatever the client says.</summary>
    private static Caller? Till(HttpContext http) =>
        Caller.TryParse(http.Request.Headers[CustomerRoutes.DeviceIdHeader], Channels.Pos, http.Request.Headers[CustomerRoutes.DeviceLabelHeader], []);

    private static IResult DeviceRequired() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [CustomerRoutes.DeviceIdHeader] = ["is required: the till's id"] },
            title: "Say which till the request comes from.", type: ProblemTypes.DeviceRequired);

    /// <summary>The confirmation a till checkout request makes: its own key and fingerprint, derived from the request's.</summary>
    private static IdempotentRequest ConfirmationOf(IdempotentRequest request) => new(
        "pos-confirm:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Key))),
        request.Fingerprint);

    private static IResult Answer(HttpContext http, string customerId, bool enrolled, CheckoutSummary summary, Payment? payment)
    {
        http.Items[MoneyResponses.ReplayableItem] = true;
        return TypedResults.Created($"/v1/pos/checkouts/{customerId}/{summary.Checkout.Id}", TillView.From(customerId, enrolled, summary, payment));
    }
}

public sealed record PosLineRequest(string? Sku, int Quantity);

public sealed record PosEnrolRequest(string? Name);

/// <param name="Card">The loyalty card number as scanned or typed (12 digits, grouping allowed).</param>
/// <param name="Pay"><c>till</c>: paid now with <paramref name="PaymentMethodId"/>; <c>phone</c>: the customer confirms on their phone.</param>
/// <param name="Enrol">When the card is nobody's yet, enrol a guest holding it (instead of 404).</param>
public sealed record PosCheckoutRequest(
    string? Card, PosLineRequest[]? Lines, string? Pay, string? PaymentMethodId = null, PosEnrolRequest? Enrol = null, string? Description = null);

/// <summary>What the till shows: whose checkout it is, whether a guest was enrolled for the card, and the payment once there is one.</summary>
public sealed record TillView(string CustomerId, bool Enrolled, TillCheckoutView Checkout, PaymentView? Payment)
{
    public static TillView From(string customerId, bool enrolled, CheckoutSummary summary, Payment? payment) =>
        new(customerId, enrolled, TillCheckoutView.From(summary), payment is null ? null : PaymentView.From(payment));
}

/// <summary>
/// A checkout as the till's staff see it: what is sold and the customer's saved cards (masked) to pay with. The
/// customer's caps, headroom and personalization are theirs, not the till's.
/// </summary>
public sealed record TillCheckoutView(
    string Id, string Status, string Currency, long Total, long Subtotal, string Description, CheckoutLineView[] Lines,
    PaymentMethodView[] PaymentMethods, string? PaymentId, bool HandedToPhone, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public static TillCheckoutView From(CheckoutSummary summary)
    {
        var view = CheckoutView.From(summary);
        return new(view.Id, view.Status, view.Currency, view.Total, view.Subtotal, view.Description, view.Lines, view.PaymentMethods,
            view.PaymentId, summary.Checkout.HandedToPhone, view.CreatedAt, view.ExpiresAt);
    }
}
