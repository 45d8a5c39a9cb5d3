using Actors.Api.Audit;
using Actors.Api.Auth;
using Actors.Api.Consent;
using Actors.Api.Customers;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Actors.Api.Support;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Profiles;
using Actors.Grains.Support;
using Actors.Grains.Wallets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Privacy;

/// <summary>The export of everything held on a customer, as one JSON document (a download).</summary>
public static class ExportApi
{
    public static RouteGroupBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        var customer = app.MapCustomerGroup().WithTags("Privacy").RecordingItsOwnSupportReads();
        customer.MapGet("/export", Export).RequireAuthorization(Policies.ReadCustomer);
        return customer;
    }

    /// <summary>
    /// Profile, identities, consents and limits with their history, self-exclusion, sessions, cart, saved methods
    /// (masked), every payment with its events and refunds, and the audit trail. Support sees personal data masked,
    /// and its read is journaled first.
    /// </summary>
    private static async Task<Results<Ok<ExportDocument>, ProblemHttpResult>> Export(
        string customerId, HttpContext http, IClusterClient cluster, PaymentHistory history, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var grain = cluster.GetGrain<ICustomerGrain>(customerId);
        if (!await SupportAudit.Recorded(http.User, grain, SupportReads.Export, cancellationToken)
            || await grain.GetProfile(cancellationToken) is not ProfileResult.Found { Profile: var profile }
            || await grain.GetConsents(cancellationToken) is not ConsentResult.Current consents
            || await grain.GetLimitsHistory(cancellationToken) is not { } limits
            || await grain.GetCart(cancellationToken) is not CartResult.Updated { Cart: var cart }
            || await grain.GetPaymentMethods(cancellationToken) is not WalletResult.Listed methods)
        {
            return ApiProblems.CustomerNotFound();
        }
        var mask = Masking.For(http.User);
        var identities = await grain.GetIdentities(cancellationToken) ?? [];
        var sessions = await grain.GetSessions(cancellationToken) ?? [];

        var customers = await PaymentHistoryApi.HistoryOf(customerId, cluster, cancellationToken);
        var ledger = await history.Ledger(customers, cancellationToken);
        var payments = new List<ReceiptView>();
        await foreach (var payment in history.All(customers, PaymentQuery.Everything, cancellationToken))
        {
            payments.Add(CustomerParts.Payment(payment, ledger.GetValueOrDefault(payment.Id) ?? [], mask));
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"customer-{customerId}.json\"";
        return TypedResults.Ok(new ExportDocument(
            clock.GetUtcNow(),
            customerId,
            CustomerParts.Profile(profile, mask),
            CustomerParts.Identities(identities, customerId, mask),
            new ExportConsents(CustomerParts.Consents(consents.Consents), [.. (consents.History ?? []).Select(ConsentChangeView.From)]),
            new ExportLimits(CustomerParts.Caps(limits.Current), CustomerParts.Pending(limits.Current.Pending), [.. limits.Changes.Select(CustomerParts.LimitChange)]),
            limits.Current.ExcludedUntil is { } until ? new SelfExclusionView(until) : null,
            CustomerParts.Sessions(sessions, mask),
            CustomerParts.Cart(cart),
            CustomerParts.Methods(methods.Methods, methods.PreferredId),
            [.. payments],
            [.. (await audit.All(customerId, cancellationToken)).Select(entry => AuditEntryView.From(entry, mask.IsOn))]));
    }
}
