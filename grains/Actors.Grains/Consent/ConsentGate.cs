using System.Collections.Immutable;
using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Grains.Sessions;

namespace Actors.Grains.Consent;

/// <summary>
/// The only way a rule learns whether it may use a purpose, and the only way it reaches data gathered under one.
/// Fail-closed: a purpose is allowed only when the customer's latest decision about it is a grant; a purpose never
/// decided, withdrawn, or unknown to this version is denied.
/// <para>
/// Build a gate from the state a decision is taken against (the decided state), once per decision, and never keep
/// it: a withdrawal then counts for the very next decision, on every channel. Personalization rules take
/// <see cref="Customer"/>, never the <see cref="CustomerState"/> itself, so what a denied purpose covers is not
/// there for them to read.
/// </para>
/// </summary>
public sealed class ConsentGate
{
    private readonly CustomerState state;

    private ConsentGate(CustomerState state) => this.state = state;

    public static ConsentGate Of(CustomerState state) => new(state);

    public bool Allows(ConsentPurpose purpose) =>
        ConsentPurposes.IsKnown(purpose) && state.Consents.LatestFor(purpose) is { Granted: true };

    /// <summary>The purposes allowed now, in <see cref="ConsentPurposes.All"/> order: what may shape a personalized answer.</summary>
    public IReadOnlyList<ConsentPurpose> Allowed => [.. ConsentPurposes.All.Where(Allows)];

    /// <summary>The customer as personalization may see them: what a denied purpose covers is left out.</summary>
    public ConsentedCustomer Customer => new(
        Allowed,
        state.Profile?.HomeCurrency,
        state.Profile?.PreferredLanguage,
        [.. state.Commerce.Wallet.Methods.Select(method => new ConsentedPaymentMethod(
            method.Id, method.Brand, method.Last4, method.ExpiryMonth, method.ExpiryYear,
            Allows(ConsentPurpose.Personalization) ? method.LastUsedAt : null,
            Allows(ConsentPurpose.Location) ? method.BillingCountry : null))],
        state.Commerce.Wallet.PreferredId,
        Allows(ConsentPurpose.Personalization) ? [.. state.Commerce.Payments.Where(payment => payment.Status == PaymentStatus.Succeeded)] : [],
        Allows(ConsentPurpose.Analytics) ? state.Sessions.Sessions : [],
        Allows(ConsentPurpose.Marketing) ? state.Profile?.Email : null,
        Allows(ConsentPurpose.Marketing) ? state.Profile?.Phone : null);
}

/// <summary>
/// A customer as a personalization rule may see them, made only by <see cref="ConsentGate.Customer"/>. What the
/// customer stated for every purpose (home currency, language, saved methods, the preferred one) is always here;
/// the rest only under its purpose: usage and purchases under personalization, billing countries under location,
/// devices under analytics, contact details under marketing. Read-only, so nothing can be added back.
/// </summary>
public sealed class ConsentedCustomer
{
    internal ConsentedCustomer(
        IReadOnlyList<ConsentPurpose> allowed,
        string? homeCurrency,
        string? preferredLanguage,
        ImmutableList<ConsentedPaymentMethod> paymentMethods,
        string? preferredMethodId,
        ImmutableList<Payment> purchases,
        ImmutableList<DeviceSession> devices,
        string? email,
        string? phone)
    {
        Allowed = allowed;
        HomeCurrency = homeCurrency;
        PreferredLanguage = preferredLanguage;
        PaymentMethods = paymentMethods;
        PreferredMethodId = preferredMethodId;
        Purchases = purchases;
        Devices = devices;
        Email = email;
        Phone = phone;
    }

    /// <summary>The purposes that may shape what a rule makes of this customer; an answer names the ones it used.</summary>
    public IReadOnlyList<ConsentPurpose> Allowed { get; }

    public string? HomeCurrency { get; }
    public string? PreferredLanguage { get; }
    public ImmutableList<ConsentedPaymentMethod> PaymentMethods { get; }

    /// <summary>The method the customer chose as preferred: a stated choice, not an inference.</summary>
    public string? PreferredMethodId { get; }

    /// <summary>Succeeded payments the state still holds; empty without personalization.</summary>
    public ImmutableList<Payment> Purchases { get; }

    /// <summary>The devices and channels the customer was seen on; empty without analytics.</summary>
    public ImmutableList<DeviceSession> Devices { get; }

    /// <summary>Contact details for offers; null without marketing.</summary>
    public string? Email { get; }
    public string? Phone { get; }
}

/// <summary>A saved method as personalization sees it: when it was last used only under personalization, its billing country only under location.</summary>
public sealed record ConsentedPaymentMethod(
    string Id,
    string Brand,
    string Last4,
    int ExpiryMonth,
    int ExpiryYear,
    DateTimeOffset? LastUsedAt,
    string? BillingCountry);
