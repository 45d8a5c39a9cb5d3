using Actors.Api.Audit;
using Actors.Api.Carts;
using Actors.Api.Consent;
using Actors.Api.Customers;
using Actors.Api.Identities;
using Actors.Api.Limits;
using Actors.Api.Payments;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Identity;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Actors.Grains.Wallets;

namespace Actors.Api.Privacy;

/// <summary>
/// Everything held on a customer, as <c>GET …/export</c> returns it. Payment methods carry brand, last 4 and expiry,
/// never the gateway token.
/// </summary>
public sealed record ExportDocument(
    DateTimeOffset ExportedAt,
    string CustomerId,
    CustomerView Profile,
    IdentityView[] Identities,
    ExportConsents Consents,
    ExportLimits Limits,
    SelfExclusionView? SelfExclusion,
    SessionView[] Sessions,
    CartView Cart,
    PaymentMethodView[] PaymentMethods,
    ReceiptView[] Payments,
    AuditEntryView[] Audit);

public sealed record ExportConsents(ConsentView[] Current, ConsentChangeView[] History);

public sealed record ExportLimits(CapsView Current, PendingCapView[] Pending, LimitChangeView[] History);

/// <summary>The caps in force and the headroom under each, in <see cref="Currency"/>.</summary>
public sealed record CapsView(string Currency, long? Daily, long? Weekly, long? Monthly, HeadroomView[] Headroom);

public sealed record SelfExclusionView(DateTimeOffset Until);

/// <summary>One change of the spending controls: <c>caps</c> or <c>self-exclusion</c>, and the controls it left (pending raises included).</summary>
public sealed record LimitChangeView(
    long Sequence,
    DateTimeOffset At,
    string Kind,
    string Currency,
    long? Daily,
    long? Weekly,
    long? Monthly,
    PendingCapView[] Pending,
    DateTimeOffset? ExcludedUntil);


/// <summary>The mappers of each part of a customer, shared by the export, the timeline and the as-of views.</summary>
public static class CustomerParts
{
    public static CustomerView Profile(Profile profile, Masking mask) =>
        CustomerView.From(profile, mask.IsOn) with { DisplayName = mask.Name(profile.DisplayName) };

    public static SessionView[] Sessions(IEnumerable<DeviceSession> sessions, Masking mask) =>
        [.. sessions.Select(session => new SessionView(session.DeviceId, session.Channel, mask.Text(session.DeviceLabel), session.FirstSeen, session.LastSeen))];

    public static IdentityView[] Identities(IEnumerable<Identifier> identifiers, string customerId, Masking mask) =>
        [.. identifiers.Select(identifier => IdentityView.From(identifier, customerId, mask.IsOn))];

    public static PaymentMethodView[] Methods(IEnumerable<PaymentMethod> methods, string? preferredId) =>
        [.. methods.Select(method => PaymentMethodView.From(method, preferredId))];

    public static CapsView Caps(LimitsView limits) => new(
        limits.Currency, limits.Daily, limits.Weekly, limits.Monthly, [.. limits.Headroom.Select(room => HeadroomView.From(room, limits.Currency))]);

    public static PendingCapView[] Pending(IEnumerable<PendingCap> pending) =>
        [.. pending.Select(cap => new PendingCapView(WireNames.Of(cap.Window), cap.Amount, cap.RequestedAt, cap.EffectiveAt))];

    public static LimitChangeView LimitChange(LimitChange change) => new(
        change.Sequence, change.At, change.SelfExclusion ? "self-exclusion" : "caps", change.CapCurrency,
        change.Limits.Daily, change.Limits.Weekly, change.Limits.Monthly, Pending(change.Limits.Pending), change.Limits.ExcludedUntil);

    public static ConsentView[] Consents(ConsentState consents) => ConsentView.All(consents);

    public static CartView Cart(Cart cart) => CartView.From(cart);

    public static ReceiptView Payment(PaymentRecord payment, IReadOnlyList<PaymentEvent> events, Masking mask) => new(
        PaymentSummary.From(payment with { Description = mask.Text(payment.Description) ?? "" }),
        [.. events.Select(entry => new ReceiptEvent(entry.Kind, entry.Amount, entry.Currency, entry.At))],
        [.. events.Where(entry => entry.Kind == "refunded").Select(entry => new RefundLine(entry.RefundId!, entry.Amount, entry.At))]);
}
