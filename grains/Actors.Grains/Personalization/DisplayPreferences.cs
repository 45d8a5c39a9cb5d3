using System.Globalization;
using Actors.Grains.Money;

namespace Actors.Grains.Personalization;

/// <summary>How a checkout is shown: the currency amounts are shown in beside the charge, and the locale that formats them.</summary>
[GenerateSerializer, Immutable, Alias("display-choice-v1")]
public sealed record DisplayChoice(
    [property: Id(0)] string Currency,
    [property: Id(1)] string Locale,
    [property: Id(2)] bool FromLocation,
    [property: Id(3)] string Reason);

/// <summary>
/// The display currency and locale of a checkout. The profile's home currency and language are the customer's own
/// settings and always apply; the country a request comes from may change them only with the <c>location</c> consent.
/// The charge itself is always in the checkout's currency; what is shown is a conversion, rounded half away from zero.
/// </summary>
public static class DisplayPreferences
{
    public static DisplayChoice Choose(
        string homeCurrency, string language, string chargeCurrency, string? requestCountry, bool mayUseLocation, ExchangeRates rates)
    {
        if (mayUseLocation && CountryCurrency(requestCountry) is { } local && Convertible(local, chargeCurrency, rates))
        {
            var country = requestCountry!.ToUpperInvariant();
            return new DisplayChoice(local, LocaleOf(language, country), FromLocation: true,
                $"Amounts are also shown in {local} because you are shopping from {CountryName(country)} and allowed location to be used.");
        }
        if (Convertible(homeCurrency, chargeCurrency, rates))
        {
            return new DisplayChoice(homeCurrency, LocaleOf(language, country: null), FromLocation: false,
                homeCurrency == chargeCurrency
                    ? $"Amounts are shown in {homeCurrency}, your home currency."
                    : $"Amounts are also shown in {homeCurrency}, the home currency in your profile.");
        }
        return new DisplayChoice(chargeCurrency, LocaleOf(language, country: null), FromLocation: false,
            $"Amounts are shown in {chargeCurrency}, the currency you are charged in: there is no exchange rate for {homeCurrency}.");
    }

    /// <summary>Converts <paramref name="amount"/> for display; the same currency converts to itself.</summary>
    public static long? Shown(long amount, string chargeCurrency, DisplayChoice display, ExchangeRates rates) =>
        rates.TryConvert(amount, chargeCurrency, display.Currency, out var shown) ? shown : null;

    /// <summary>The currency of an ISO 3166 two-letter country code, when it is one; null otherwise.</summary>
    public static string? CountryCurrency(string? country)
    {
        if (country is not { Length: 2 } || !country.All(char.IsAsciiLetter))
        {
            return null;
        }
        try
        {
            var code = new RegionInfo(country.ToUpperInvariant()).ISOCurrencySymbol;
            return Currencies.TryNormalize(code, out var normalized) ? normalized : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool Convertible(string currency, string chargeCurrency, ExchangeRates rates) =>
        rates.TryConvert(0, chargeCurrency, currency, out _);

    private static string CountryName(string country) => new RegionInfo(country).EnglishName;

    /// <summary>The profile's language, formatted for the country when one may be used and the pair is a known culture.</summary>
    private static string LocaleOf(string language, string? country)
    {
        var primary = language.Split('-')[0];
        if (country is not null && Known($"{primary}-{country}") is { } regional)
        {
            return regional;
        }
        return Known(language) ?? "en";
    }

    private static string? Known(string name)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return culture.Name.Length == 0 ? null : culture.Name;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }
}
