using Actors.Grains.Money;
using Actors.Grains.Personalization;

namespace Actors.Tests.Personalization;

public sealed class DisplayPreferencesTests
{
    private static readonly ExchangeRates Rates = new(new Dictionary<string, decimal> { ["EUR"] = 1m, ["GBP"] = 0.85m, ["JPY"] = 162m, ["CHF"] = 0.95m });

    [Fact]
    public void Without_location_consent_the_home_currency_and_language_of_the_profile_apply()
    {
        var display = DisplayPreferences.Choose("GBP", "en-GB", "EUR", requestCountry: "JP", mayUseLocation: false, Rates);

        Assert.Equal(new DisplayChoice("GBP", "en-GB", FromLocation: false, "Amounts are also shown in GBP, the home currency in your profile."), display);
    }

    [Fact]
    public void With_location_consent_the_country_of_the_request_chooses_the_currency_and_formats_for_it()
    {
        var display = DisplayPreferences.Choose("GBP", "fr-FR", "EUR", requestCountry: "ch", mayUseLocation: true, Rates);

        Assert.Equal("CHF", display.Currency);
        Assert.Equal("fr-CH", display.Locale);
        Assert.True(display.FromLocation);
        Assert.Equal("Amounts are also shown in CHF because you are shopping from Switzerland and allowed location to be used.", display.Reason);
    }

    [Fact]
    public void A_language_without_a_culture_for_the_country_keeps_the_profiles_locale()
    {
        var display = DisplayPreferences.Choose("GBP", "en-GB", "EUR", requestCountry: "JP", mayUseLocation: true, Rates);

        Assert.Equal(("JPY", "en-GB"), (display.Currency, display.Locale));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("J1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("US")] // no USD rate in the table
    public void A_country_that_is_unknown_or_has_no_rate_falls_back_to_the_profile(string? country)
    {
        var display = DisplayPreferences.Choose("GBP", "en", "EUR", country, mayUseLocation: true, Rates);

        Assert.Equal(("GBP", "en", false), (display.Currency, display.Locale, display.FromLocation));
    }

    [Fact]
    public void A_home_currency_without_a_rate_is_shown_as_the_charge_currency()
    {
        var display = DisplayPreferences.Choose("NOK", "nb", "EUR", null, mayUseLocation: false, Rates);

        Assert.Equal("EUR", display.Currency);
        Assert.Equal("Amounts are shown in EUR, the currency you are charged in: there is no exchange rate for NOK.", display.Reason);
    }

    [Fact]
    public void Shown_amounts_round_half_away_from_zero()
    {
        var display = DisplayPreferences.Choose("JPY", "ja", "EUR", null, mayUseLocation: false, Rates);

        // 0.25 EUR × 162 = 40.5 JPY → 41; 0.01 EUR = 1.62 JPY → 2.
        Assert.Equal(41, DisplayPreferences.Shown(25, "EUR", display, Rates));
        Assert.Equal(2, DisplayPreferences.Shown(1, "EUR", display, Rates));
        Assert.Equal("ja", display.Locale);
    }
}
