using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Actors.Grains.Wallets;

/// <summary>
/// A saved payment method: the gateway's token and what a customer needs to recognise the card. Never the
/// card number: that only ever exists at the gateway.
/// </summary>
[GenerateSerializer, Immutable, Alias("payment-method-v1")]
public sealed record PaymentMethod(
    [property: Id(0)] string Id,
    [property: Id(1)] string Token,
    [property: Id(2)] string Brand,
    [property: Id(3)] string Last4,
    [property: Id(4)] int ExpiryMonth,
    [property: Id(5)] int ExpiryYear,
    [property: Id(6)] string BillingCountry,
    [property: Id(7)] DateTimeOffset AddedAt,
    [property: Id(8)] DateTimeOffset? LastUsedAt)
{
    public const string Prefix = "pm_";

    /// <summary>Cards are valid through the last day of their expiry month.</summary>
    public bool IsExpiredAt(DateTimeOffset now) =>
        (ExpiryYear, ExpiryMonth).CompareTo((now.Year, now.Month)) < 0;
}

/// <summary>What a client sends to save a payment method.</summary>
[GenerateSerializer, Immutable, Alias("payment-method-draft-v1")]
public sealed record PaymentMethodDraft(
    [property: Id(0)] string? Token,
    [property: Id(1)] string? Brand,
    [property: Id(2)] string? Last4,
    [property: Id(3)] int ExpiryMonth,
    [property: Id(4)] int ExpiryYear,
    [property: Id(5)] string? BillingCountry,
    [property: Id(6)] bool Preferred);

/// <summary>The saved methods, preferred first: the one the customer chose, then the most recently used.</summary>
[GenerateSerializer, Immutable, Alias("wallet-v1")]
public sealed record Wallet
{
    public const int MaxMethods = 20;

    [Id(0)] public ImmutableList<PaymentMethod> Methods { get; init; } = [];
    [Id(1)] public string? PreferredId { get; init; }

    public static Wallet Empty { get; } = new();

    public PaymentMethod? Find(string id) => Methods.Find(method => method.Id == id);

    /// <summary>
    /// The order methods are listed in: the neutral one (preferred, then newest saved; expired ones last), which reads
    /// no history. Only a checkout summary ranks by use, and only with consent (<see cref="Personalization.MethodRanking"/>).
    /// </summary>
    public ImmutableList<PaymentMethod> Ranked(DateTimeOffset now) => Personalization.MethodRanking.Neutral(this, now);

    public Wallet Used(string id, DateTimeOffset now) =>
        Find(id) is { } method ? this with { Methods = Methods.Replace(method, method with { LastUsedAt = now }) } : this;
}

[GenerateSerializer, Immutable, Alias("wallet-result")]
public abstract record WalletResult
{
    [GenerateSerializer, Immutable, Alias("wallet-result-saved")]
    public sealed record Saved([property: Id(0)] PaymentMethod Method, [property: Id(1)] bool Created, [property: Id(2)] bool Preferred) : WalletResult;

    /// <summary>The saved methods in the order a checkout offers them.</summary>
    [GenerateSerializer, Immutable, Alias("wallet-result-listed")]
    public sealed record Listed([property: Id(0)] ImmutableList<PaymentMethod> Methods, [property: Id(1)] string? PreferredId) : WalletResult;

    /// <summary>The method as it was saved, and whether it was the preferred one, so that a device can offer to save it again.</summary>
    [GenerateSerializer, Immutable, Alias("wallet-result-removed")]
    public sealed record Removed([property: Id(0)] PaymentMethod Method, [property: Id(1)] bool WasPreferred) : WalletResult;

    [GenerateSerializer, Immutable, Alias("wallet-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : WalletResult;

    [GenerateSerializer, Immutable, Alias("wallet-result-not-found")]
    public sealed record NotFound : WalletResult;

    /// <summary>Saving a new method needs a fresh step-up by <see cref="Method"/>; nothing was saved.</summary>
    [GenerateSerializer, Immutable, Alias("wallet-result-step-up-required")]
    public sealed record StepUpRequired([property: Id(0)] string Method) : WalletResult;

    [GenerateSerializer, Immutable, Alias("wallet-result-customer-not-found")]
    public sealed record CustomerNotFound : WalletResult;
}

public static partial class WalletRules
{
    public static readonly ImmutableArray<string> Brands = ["visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro"];

    /// <summary>
    /// Saves a method. Saving a token that is already saved returns the saved method unchanged (safe to retry);
    /// the first method saved, or one saved with <c>preferred</c>, becomes the preferred one.
    /// </summary>
    public static (Wallet Wallet, WalletResult Result) Add(Wallet wallet, string newId, PaymentMethodDraft draft, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (draft.Token is null || !TokenShape().IsMatch(draft.Token))
        {
            errors["token"] = ["is required: a gateway token such as tok_visa"];
        }
        var brand = draft.Brand?.Trim().ToLowerInvariant();
        if (brand is null || !Brands.Contains(brand))
        {
            errors["brand"] = [$"must be one of {string.Join(", ", Brands)}"];
        }
        if (draft.Last4 is null || !Last4Shape().IsMatch(draft.Last4))
        {
            errors["last4"] = ["must be the last 4 digits of the card"];
        }
        if (draft.ExpiryMonth is < 1 or > 12)
        {
            errors["expiryMonth"] = ["must be from 1 to 12"];
        }
        if (draft.ExpiryYear is < 2000 or > 2100)
        {
            errors["expiryYear"] = ["must be a four-digit year"];
        }
        else if (errors.Count == 0 && (draft.ExpiryYear, draft.ExpiryMonth).CompareTo((now.Year, now.Month)) < 0)
        {
            errors["expiryYear"] = ["the card has expired"];
        }
        var country = draft.BillingCountry?.Trim().ToUpperInvariant();
        if (country is null || !IsCountry(country))
        {
            errors["billingCountry"] = ["must be an ISO-3166 alpha-2 country code"];
        }
        if (errors.Count > 0)
        {
            return (wallet, new WalletResult.Invalid(errors));
        }

        if (wallet.Methods.Find(method => method.Token == draft.Token) is { } saved)
        {
            return (wallet, new WalletResult.Saved(saved, Created: false, saved.Id == wallet.PreferredId));
        }
        if (wallet.Methods.Count >= Wallet.MaxMethods)
        {
            return (wallet, new WalletResult.Invalid(new Dictionary<string, string[]>
            {
                ["token"] = [$"at most {Wallet.MaxMethods} payment methods can be saved; remove one first"],
            }));
        }

        var method = new PaymentMethod(newId, draft.Token!, brand!, draft.Last4!, draft.ExpiryMonth, draft.ExpiryYear, country!, now, null);
        var preferred = draft.Preferred || wallet.PreferredId is null;
        return (With(wallet, method, preferred), new WalletResult.Saved(method, Created: true, preferred));
    }

    public static (Wallet Wallet, WalletResult Result) Remove(Wallet wallet, string id) =>
        wallet.Find(id) is not { } method
            ? (wallet, new WalletResult.NotFound())
            : (Without(wallet, id), new WalletResult.Removed(method, wallet.PreferredId == id));

    /// <summary>The wallet with <paramref name="method"/> saved; <paramref name="preferred"/> makes it the one offered first.</summary>
    public static Wallet With(Wallet wallet, PaymentMethod method, bool preferred) =>
        wallet with { Methods = wallet.Methods.Add(method), PreferredId = preferred ? method.Id : wallet.PreferredId };

    /// <summary>The wallet with the saved method <paramref name="id"/> as the one offered first.</summary>
    public static Wallet Preferring(Wallet wallet, string id) =>
        wallet.Find(id) is null ? wallet : wallet with { PreferredId = id };

    /// <summary>The wallet without the method; if it was the preferred one, the first remaining method takes its place.</summary>
    public static Wallet Without(Wallet wallet, string id)
    {
        var methods = wallet.Methods.RemoveAll(method => method.Id == id);
        return wallet with { Methods = methods, PreferredId = wallet.PreferredId == id ? methods.FirstOrDefault()?.Id : wallet.PreferredId };
    }

    private static bool IsCountry(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper))
        {
            return false;
        }
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^tok_[A-Za-z0-9_]{1,60}$")]
    private static partial Regex TokenShape();

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex Last4Shape();
}
