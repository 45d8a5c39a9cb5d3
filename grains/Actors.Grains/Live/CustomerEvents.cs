using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Wallets;
using Orleans.Concurrency;

namespace Actors.Grains.Live;

/// <summary>
/// What an API node registers with a customer grain to hear of its changes. One-way, so a slow or vanished node
/// never holds the customer's turn; the sequence number tells the node's clients when something went missing.
/// </summary>
[Alias("customer-observer")]
public interface ICustomerObserver : IGrainObserver
{
    [Alias("on-changed"), OneWay]
    Task OnChanged(CustomerEvent change);
}

/// <summary>
/// A change of one customer, numbered by <see cref="Sequence"/>: it rises by one with every event of an activation
/// and jumps to a fresh block when the customer is activated anew, so a client that sees a gap refetches.
/// </summary>
[GenerateSerializer, Immutable, Alias("customer-event")]
public abstract record CustomerEvent
{
    [Id(0)] public long Sequence { get; init; }
    [Id(1)] public DateTimeOffset At { get; init; }
}

[GenerateSerializer, Immutable, Alias("customer-event-cart")]
public sealed record CartChanged([property: Id(0)] Cart Cart) : CustomerEvent;

public enum CheckoutChange
{
    Created,
    Updated,
    Expired,
}

[GenerateSerializer, Immutable, Alias("customer-event-checkout")]
public sealed record CheckoutUpdated([property: Id(0)] CheckoutChange Change, [property: Id(1)] Checkout Checkout) : CustomerEvent;

/// <summary>A payment reached <see cref="Payment.Status"/>, or (when <see cref="Refunded"/>) gave money back.</summary>
[GenerateSerializer, Immutable, Alias("customer-event-payment")]
public sealed record PaymentUpdated([property: Id(0)] Payment Payment, [property: Id(1)] bool Refunded) : CustomerEvent
{
    /// <summary>The till whose checkout the payment pays (<see cref="Checkout.TillId"/>), so only that till hears of it.</summary>
    [Id(2)] public string? TillId { get; init; }
}

[GenerateSerializer, Immutable, Alias("customer-event-profile")]
public sealed record ProfileChanged([property: Id(0)] Profile Profile) : CustomerEvent;

public enum LimitsReason
{
    /// <summary>The customer changed a cap.</summary>
    Updated,

    /// <summary>A raise or removal waited out its cooling-off and now applies.</summary>
    RaiseEffective,
    SelfExcluded,

    /// <summary>Money was reserved, settled or given back, so the headroom moved.</summary>
    Spent,
}

[GenerateSerializer, Immutable, Alias("customer-event-limits")]
public sealed record LimitsChanged([property: Id(0)] LimitsReason Reason, [property: Id(1)] LimitsView Limits) : CustomerEvent;

[GenerateSerializer, Immutable, Alias("customer-event-payment-methods")]
public sealed record PaymentMethodsChanged(
    [property: Id(0)] ImmutableList<PaymentMethod> Methods,
    [property: Id(1)] string? PreferredId) : CustomerEvent;

/// <summary>A consent was granted or withdrawn: the current decision of every purpose.</summary>
[GenerateSerializer, Immutable, Alias("customer-event-consent")]
public sealed record ConsentChanged([property: Id(0)] ConsentState Consents) : CustomerEvent;

/// <summary>
/// Two customers became one: <see cref="MergedId"/> was merged into <see cref="SurvivorId"/>. Told to the devices of
/// both; a device signed in as the merged-away customer signs in again as the survivor.
/// </summary>
[GenerateSerializer, Immutable, Alias("customer-event-merged")]
public sealed record CustomerMerged([property: Id(0)] string SurvivorId, [property: Id(1)] string MergedId) : CustomerEvent;

/// <summary>A support case on one of the customer's payments was opened, answered or closed: the whole case as it is now.</summary>
[GenerateSerializer, Immutable, Alias("customer-event-case")]
public sealed record CaseUpdated([property: Id(0)] Cases.SupportCase Case) : CustomerEvent;

/// <summary>
/// The customer was erased: the last thing its devices hear (hub method <c>CustomerErased</c>) before the API node
/// closes their connections. Every call for the customer answers <c>410</c> from now on.
/// </summary>
[GenerateSerializer, Immutable, Alias("customer-event-erased")]
public sealed record Erased : CustomerEvent;
