using Actors.Api.Auth;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Webhooks;

/// <summary>
/// Operators register where the merchant's backend hears of payments, checkouts, refunds, consent changes and merges,
/// read each endpoint's delivery log, and replay a delivery (same event id).
/// </summary>
public static class WebhookApi
{
    public const int DefaultPage = 50;
    public const int MaxPage = 200;

    public static RouteGroupBuilder MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.ManageWebhooks);
        webhooks.MapPost("", Register)
            .WithSummary("Register an endpoint: an absolute http(s) URL, the events it wants, and a secret (one is made and shown once when left out).")
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.WebhookExists);
        webhooks.MapGet("", List).WithSummary("The live endpoints, oldest first (never their secrets).");
        webhooks.MapGet("/{webhookId}", Get).WithSummary("One live endpoint.").Refuses(StatusCodes.Status404NotFound, ProblemTypes.WebhookNotFound);
        webhooks.MapDelete("/{webhookId}", Delete).WithSummary("Stop every delivery to the endpoint, pending ones included.")
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.WebhookNotFound);
        webhooks.MapGet("/{webhookId}/deliveries", Deliveries)
            .WithSummary("The delivery log, newest event first, in pages (`limit`, `starting_after` = the last event id of the previous page).")
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.WebhookNotFound);
        webhooks.MapPost("/{webhookId}/deliveries/{eventId}/replay", Replay)
            .WithSummary("Send a delivered event again, with the same event id, ahead of that customer's later events still waiting.")
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.WebhookNotFound, ProblemTypes.DeliveryNotFound)
            .Refuses(StatusCodes.Status409Conflict, ProblemTypes.DeliveryPending);
        return webhooks;
    }

    private static async Task<Results<Created<WebhookCreatedView>, ValidationProblem, ProblemHttpResult>> Register(
        WebhookRequest request, WebhookStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (draft, errors) = WebhookRegistration.Check(request.Url, request.Events, request.Secret);
        if (draft is null)
        {
            return ApiProblems.Validation(errors);
        }
        if (await store.Register(draft, clock.GetUtcNow(), cancellationToken) is not { } endpoint)
        {
            return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.WebhookExists, "An endpoint with this URL is registered.",
                "Delete it first to register the URL again with other events or another secret.");
        }
        return TypedResults.Created($"/v1/webhooks/{endpoint.Id}",
            new WebhookCreatedView(endpoint.Id, endpoint.Url, endpoint.Events, endpoint.CreatedAt, draft.SecretGenerated ? draft.Secret : null));
    }

    private static async Task<Ok<WebhookListView>> List(WebhookStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new WebhookListView([.. (await store.List(cancellationToken)).Select(WebhookView.From)]));

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(string webhookId, WebhookStore store, CancellationToken cancellationToken) =>
        await store.Get(webhookId, cancellationToken) is { } endpoint ? TypedResults.Ok(WebhookView.From(endpoint)) : WebhookNotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string webhookId, WebhookStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await store.Delete(webhookId, clock.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : WebhookNotFound();

    private static async Task<Results<Ok<DeliveryPageView>, ValidationProblem, ProblemHttpResult>> Deliveries(
        string webhookId, int? limit, string? starting_after, WebhookStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxPage)
        {
            errors["limit"] = [$"Give a page size from 1 to {MaxPage}."];
        }
        (string, long)? after = null;
        if (starting_after is not null)
        {
            if (WebhookEventId.TryParse(starting_after, out var customerId, out var sequence))
            {
                after = (customerId, sequence);
            }
            else
            {
                errors["starting_after"] = ["Give the id of an event of the previous page (evt_…)."];
            }
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }
        if (await store.Get(webhookId, cancellationToken) is null)
        {
            return WebhookNotFound();
        }
        var size = limit ?? DefaultPage;
        // One more than the page tells whether another page follows.
        var rows = await store.Deliveries(webhookId, after, size + 1, cancellationToken);
        var page = rows.Take(size).Select(DeliveryView.From).ToArray();
        return TypedResults.Ok(new DeliveryPageView(page, rows.Count > size));
    }

    private static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> Replay(
        string webhookId, string eventId, WebhookStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.Get(webhookId, cancellationToken) is null)
        {
            return WebhookNotFound();
        }
        if (!WebhookEventId.TryParse(eventId, out var customerId, out var sequence))
        {
            return DeliveryNotFound();
        }
        if (await store.Replay(webhookId, customerId, sequence, clock.GetUtcNow(), cancellationToken) is { } replayed)
        {
            return TypedResults.Accepted($"/v1/webhooks/{webhookId}/deliveries", DeliveryView.From(replayed));
        }
        return await store.Delivery(webhookId, customerId, sequence, cancellationToken) is null
            ? DeliveryNotFound()
            : ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.DeliveryPending, "The event is not delivered yet.",
                "It is still being tried; a replay is for an event the endpoint already acknowledged.");
    }

    private static ProblemHttpResult WebhookNotFound() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.WebhookNotFound, "No such webhook endpoint.");

    private static ProblemHttpResult DeliveryNotFound() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.DeliveryNotFound, "No such delivery for this endpoint.");

    public static IServiceCollection AddWebhooks(this IServiceCollection services) =>
        services.AddSingleton<WebhookSecrets>().AddSingleton<WebhookStore>();
}

/// <param name="Secret">Optional: 16–256 printable ASCII characters. Left out, one is made and returned once.</param>
public sealed record WebhookRequest(string? Url, string?[]? Events, string? Secret);

public sealed record WebhookView(string Id, string Url, string[] Events, DateTimeOffset CreatedAt)
{
    public static WebhookView From(WebhookEndpoint endpoint) => new(endpoint.Id, endpoint.Url, endpoint.Events, endpoint.CreatedAt);
}

/// <param name="Secret">The secret made for the endpoint, shown this once; null when the request gave its own.</param>
public sealed record WebhookCreatedView(string Id, string Url, string[] Events, DateTimeOffset CreatedAt, string? Secret);

public sealed record WebhookListView(WebhookView[] Data);

/// <param name="Status">`pending` (waiting for an attempt or its answer) or `delivered` (acknowledged with a 2xx).</param>
/// <param name="NextAttemptAt">When a pending event is tried next; null once delivered.</param>
public sealed record DeliveryView(
    string EventId, string Type, string Customer, long Sequence, string Status, int Attempts, int? LastStatus, string? LastError,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt)
{
    public static DeliveryView From(WebhookDelivery delivery) => new(
        WebhookEventId.Of(delivery.CustomerId, delivery.Sequence), WebhookEvents.NameOfJournalType(delivery.JournalType) ?? delivery.JournalType,
        delivery.CustomerId, delivery.Sequence, delivery.DeliveredAt is null ? "pending" : "delivered", delivery.Attempts, delivery.LastStatus,
        delivery.LastError, delivery.LastAttemptAt, delivery.DeliveredAt is null ? delivery.NextAttemptAt : null, delivery.DeliveredAt);
}

/// <param name="HasMore">True when another page follows: ask with <c>starting_after</c> = the last event id of this one.</param>
public sealed record DeliveryPageView(DeliveryView[] Data, bool HasMore);
