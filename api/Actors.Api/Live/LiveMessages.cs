using Actors.Api.Carts;
using Actors.Api.Cases;
using Actors.Api.Consent;
using Actors.Api.Customers;
using Actors.Api.Limits;
using Actors.Api.Payments;
using Actors.Grains.Checkouts;
using Actors.Grains.Live;
using Actors.Grains.Payments;

namespace Actors.Api.Live;

/// <summary>
/// What the hub sends, one method per kind of change, each in the shape the REST API returns that part in
/// (docs/live-updates.md). Only the profile differs by audience: support sees it masked, as over REST.
/// </summary>
public static class LiveMessages
{
    public const string Synced = nameof(Synced);

    /// <summary>The last message a device of an erased customer hears before the server closes its connection.</summary>
    public const string CustomerErased = nameof(CustomerErased);

    /// <summary>The hub method and payload that carry <paramref name="change"/> to an owner's or a support audience.</summary>
    public static (string Method, object Payload) For(string customerId, CustomerEvent change, bool masked) => change switch
    {
        CartChanged cart => (nameof(CartChanged),
            new CartChangedMessage(customerId, cart.Sequence, cart.At, CartView.From(cart.Cart))),
        CheckoutUpdated checkout => (nameof(CheckoutUpdated),
            new CheckoutUpdatedMessage(customerId, checkout.Sequence, checkout.At, NameOf(checkout.Change), CheckoutStateView.From(checkout.Checkout))),
        PaymentUpdated payment => (nameof(PaymentUpdated),
            new PaymentUpdatedMessage(customerId, payment.Sequence, payment.At,
                payment.Refunded ? "refunded" : WireNames.Of(payment.Payment.Status), PaymentView.From(payment.Payment))),
        ProfileChanged profile => (nameof(ProfileChanged),
            new ProfileChangedMessage(customerId, profile.Sequence, profile.At, CustomerView.From(profile.Profile, masked))),
        LimitsChanged limits => (nameof(LimitsChanged),
            new LimitsChangedMessage(customerId, limits.Sequence, limits.At, NameOf(limits.Reason), LimitsResponse.From(limits.Limits))),
        PaymentMethodsChanged methods => (nameof(PaymentMethodsChanged),
            new PaymentMethodsChangedMessage(customerId, methods.Sequence, methods.At,
                [.. methods.Methods.Select(method => PaymentMethodView.From(method, methods.PreferredId))])),
        ConsentChanged consents => (nameof(ConsentChanged),
            new ConsentChangedMessage(customerId, consents.Sequence, consents.At, ConsentView.All(consents.Consents))),
        CustomerMerged merged => (nameof(CustomerMerged),
            new CustomerMergedMessage(customerId, merged.Sequence, merged.At, merged.SurvivorId, merged.MergedId)),
        CaseUpdated supportCase => (nameof(CaseUpdated),
            new CaseUpdatedMessage(customerId, supportCase.Sequence, supportCase.At, CaseView.From(supportCase.Case))),
        Erased erased => (CustomerErased, new CustomerErasedMessage(customerId, erased.Sequence, erased.At)),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "No hub message for this change."),
    };

    /// <summary>Whether <paramref name="change"/> reads differently to support than to the customer.</summary>
    public static bool DiffersWhenMasked(CustomerEvent change) => change is ProfileChanged;

    private static string NameOf(CheckoutChange change) => change switch
    {
        CheckoutChange.Created => "created",
        CheckoutChange.Updated => "updated",
        CheckoutChange.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    private static string NameOf(LimitsReason reason) => reason switch
    {
        LimitsReason.Updated => "updated",
        LimitsReason.RaiseEffective => "raise_effective",
        LimitsReason.SelfExcluded => "self_excluded",
        LimitsReason.Spent => "spent",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}

/// <summary>The customer's latest sequence number: a client whose own is lower refetches.</summary>
public sealed record SyncedMessage(string CustomerId, long Sequence);

public sealed record CartChangedMessage(string CustomerId, long Sequence, DateTimeOffset At, CartView Cart);

public sealed record CheckoutUpdatedMessage(string CustomerId, long Sequence, DateTimeOffset At, string Change, CheckoutStateView Checkout);

public sealed record PaymentUpdatedMessage(string CustomerId, long Sequence, DateTimeOffset At, string Change, PaymentView Payment);

public sealed record ProfileChangedMessage(string CustomerId, long Sequence, DateTimeOffset At, CustomerView Profile);

public sealed record LimitsChangedMessage(string CustomerId, long Sequence, DateTimeOffset At, string Change, LimitsResponse Limits);

public sealed record CaseUpdatedMessage(string CustomerId, long Sequence, DateTimeOffset At, CaseView Case);

public sealed record ConsentChangedMessage(string CustomerId, long Sequence, DateTimeOffset At, ConsentView[] Consents);

/// <summary>
/// <see cref="MergedId"/> was merged into <see cref="SurvivorId"/>. A device signed in as the merged-away customer
/// signs in again as the survivor: its old id now answers 308 on reads and 409 on writes.
/// </summary>
public sealed record CustomerMergedMessage(string CustomerId, long Sequence, DateTimeOffset At, string SurvivorId, string MergedId);

/// <summary>The customer was erased: the server closes the connection after this; every REST call for them answers 410.</summary>
public sealed record CustomerErasedMessage(string CustomerId, long Sequence, DateTimeOffset At);

public sealed record PaymentMethodsChangedMessage(string CustomerId, long Sequence, DateTimeOffset At, PaymentMethodView[] PaymentMethods);

/// <summary>A checkout's state as devices follow it; the full summary (methods, headroom) is the create response's.</summary>
public sealed record CheckoutStateView(
    string Id, string Status, string Currency, long Total, string Description, string? PaymentId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    string Channel, bool HandedToPhone)
{
    public static CheckoutStateView From(Checkout checkout) => new(
        checkout.Id, WireNames.Of(checkout.Status), checkout.Currency, checkout.Total, checkout.Description, checkout.PaymentId,
        checkout.CreatedAt, checkout.ExpiresAt, checkout.Channel, checkout.HandedToPhone);
}
