using System.Globalization;
using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Limits;
using Actors.Api.Payments;
using Actors.Api.Privacy;
using Actors.Api.Problems;
using Actors.Grains.Customers;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Support;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Support;

/// <summary>
/// What support (and operators) read to answer a customer or a dispute: the timeline of everything that happened, the
/// customer as of any moment, and the context a payment was made in, all from the journal. Support sees personal
/// data masked, and each of its reads is journaled before it is answered.
/// </summary>
public static class SupportApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static RouteGroupBuilder MapSupportApi(this IEndpointRouteBuilder app)
    {
        var customer = app.MapCustomerGroup().WithTags("Support").RequireAuthorization(Policies.Investigate).RecordingItsOwnSupportReads();
        customer.MapGet("/timeline", Timeline);
        customer.MapGet("/as-of", AsOf);
        customer.MapGet("/payments/{paymentId}/context", PaymentContext);
        return customer;
    }

    /// <summary>
    /// Newest first: <c>limit</c> (1–100) entries before the sequence <c>before</c> (the <c>nextBefore</c> of the
    /// previous page). Device sightings are left out (the sessions at the top say where the customer was seen).
    /// </summary>
    private static async Task<Results<Ok<TimelineView>, ValidationProblem, ProblemHttpResult>> Timeline(
        string customerId, HttpContext http, IClusterClient cluster, JournalReader journal, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = http.Request.Query;
        var limit = DefaultLimit;
        if (query["limit"] is { Count: > 0 } rawLimit && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }
        long? before = null;
        if (query["before"] is { Count: > 0 } rawBefore)
        {
            if (long.TryParse(rawBefore, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0)
            {
                before = sequence;
            }
            else
            {
                errors["before"] = ["must be a sequence number from a previous page's nextBefore"];
            }
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var grain = cluster.GetGrain<ICustomerGrain>(customerId);
        if (!await SupportAudit.Recorded(http.User, grain, SupportReads.Timeline, cancellationToken)
            || await grain.GetProfile(cancellationToken) is not ProfileResult.Found { Profile: var profile })
        {
            return ApiProblems.CustomerNotFound();
        }
        var mask = Masking.For(http.User);
        var sessions = await grain.GetSessions(cancellationToken) ?? [];
        var page = await journal.Backward(customerId, before, limit + 1, JournalSummaries.Noise, cancellationToken);
        var entries = page.Take(limit).Select(entry =>
        {
            var (kind, summary) = JournalSummaries.Of(entry.Event, mask);
            return new TimelineEntryView(entry.Event.At, entry.Sequence, kind, summary);
        }).ToArray();
        return TypedResults.Ok(new TimelineView(
            CustomerParts.Profile(profile, mask), CustomerParts.Sessions(sessions, mask), entries,
            page.Count > limit ? entries[^1].Sequence : null));
    }

    /// <summary>The customer as of <c>at</c> (an ISO-8601 instant), rebuilt from the journal: caps, consents, saved methods, self-exclusion.</summary>
    private static async Task<Results<Ok<AsOfView>, ValidationProblem, ProblemHttpResult>> AsOf(
        string customerId, HttpContext http, IClusterClient cluster, JournalReader journal, CancellationToken cancellationToken)
    {
        if (http.Request.Query["at"] is not { Count: 1 } rawAt
            || !DateTimeOffset.TryParse(rawAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["at"] = ["is required: an ISO-8601 instant, e.g. 2026-05-04T12:00:00Z"] });
        }
        // A moment before the first event is refused before anything is read or recorded.
        var firstAfter = await journal.FirstAfter(customerId, at, cancellationToken);
        if (firstAfter == 1)
        {
            return NotYetCreated();
        }
        var grain = cluster.GetGrain<ICustomerGrain>(customerId);
        if (!await SupportAudit.Recorded(http.User, grain, SupportReads.AsOf, cancellationToken))
        {
            return ApiProblems.CustomerNotFound();
        }
        var replayed = await CustomerReplay.Before(journal, customerId, firstAfter, null, cancellationToken);
        return AsOfView.From(replayed, at, Masking.For(http.User)) is { } view ? TypedResults.Ok(view) : NotYetCreated();
    }

    /// <summary>
    /// Why a payment went as it did: the checkout summary it was made from (lines, total, methods in the order offered,
    /// the consent purposes that shaped it, the headroom shown) and the customer just before its reservation.
    /// </summary>
    private static async Task<Results<Ok<PaymentContextView>, ProblemHttpResult>> PaymentContext(
        string customerId, string paymentId, HttpContext http, IClusterClient cluster, JournalReader journal, PaymentHistory history,
        CancellationToken cancellationToken)
    {
        // Whether the payment is this customer's is all that is read before the read is recorded, so a refusal stores nothing.
        if (await journal.ReservationOf(customerId, paymentId, cancellationToken) is not { } reservation)
        {
            return ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentNotFound, "No such payment of this customer.");
        }
        var grain = cluster.GetGrain<ICustomerGrain>(customerId);
        if (!await SupportAudit.Recorded(http.User, grain, SupportReads.PaymentContext, cancellationToken)
            || await history.Receipt([customerId], paymentId, cancellationToken) is not { } receipt)
        {
            return ApiProblems.CustomerNotFound();
        }
        if (await journal.Read(customerId, reservation, cancellationToken) is not PaymentReserved reserved)
        {
            throw new InvalidDataException($"The reservation row of {paymentId} holds another event.");
        }
        var replayed = await CustomerReplay.Before(journal, customerId, reservation, reserved.Payment.CheckoutId, cancellationToken);
        var mask = Masking.For(http.User);
        var before = AsOfView.From(replayed, reserved.At, mask)!;
        var checkout = replayed.Checkout is { } created
            ? CheckoutView.From(created.Summary) with { Description = mask.Text(created.Summary.Checkout.Description) ?? "" }
            : null;
        return TypedResults.Ok(new PaymentContextView(
            CustomerParts.Payment(receipt.Payment, receipt.Events, mask),
            checkout,
            [.. replayed.Checkout?.Summary.Personalized?.PersonalizedBy ?? []],
            before));
    }

    private static ProblemHttpResult NotYetCreated() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CustomerNotFound, "The customer did not exist yet at that moment.");
}

public sealed record TimelineEntryView(DateTimeOffset At, long Sequence, string Kind, string Summary);

/// <summary>The customer now (masked for support), then what happened, newest first; <see cref="NextBefore"/> pages on.</summary>
public sealed record TimelineView(CustomerView Profile, SessionView[] Sessions, TimelineEntryView[] Entries, long? NextBefore);

/// <summary>
/// The customer as the journal stood at <see cref="At"/> (up to event <see cref="Sequence"/>): the caps in force then
/// and the headroom left under them, raises still pending, self-exclusion, consents and saved methods.
/// </summary>
public sealed record AsOfView(
    DateTimeOffset At,
    long Sequence,
    CustomerView Profile,
    CapsView Caps,
    PendingCapView[] Pending,
    SelfExclusionView? SelfExclusion,
    Actors.Api.Consent.ConsentView[] Consents,
    PaymentMethodView[] PaymentMethods)
{
    /// <summary>Null when the customer did not exist yet.</summary>
    public static AsOfView? From(Replayed replayed, DateTimeOffset at, Masking mask)
    {
        if (replayed.State.Profile is not { } profile)
        {
            return null;
        }
        var limits = LimitsDecider.View(replayed.State, at);
        return new AsOfView(
            at,
            replayed.Sequence,
            CustomerParts.Profile(profile, mask),
            CustomerParts.Caps(limits),
            CustomerParts.Pending(limits.Pending),
            limits.ExcludedUntil is { } until ? new SelfExclusionView(until) : null,
            CustomerParts.Consents(replayed.State.Consents),
            CustomerParts.Methods(replayed.State.Commerce.Wallet.Methods, replayed.State.Commerce.Wallet.PreferredId));
    }
}

/// <summary>A payment, the checkout summary it was made from, the consent purposes that shaped it, and the customer just before it was reserved.</summary>
public sealed record PaymentContextView(ReceiptView Payment, CheckoutView? Checkout, string[] PersonalizedBy, AsOfView Before);
