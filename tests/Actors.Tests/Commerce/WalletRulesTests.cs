using Actors.Grains.Wallets;

namespace Actors.Tests.Commerce;

public sealed class WalletRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static PaymentMethodDraft Visa(string token = "tok_visa", bool preferred = false) =>
        new(token, "visa", "4242", 12, 2030, "gb", preferred);

    [Fact]
    public void The_first_saved_method_becomes_preferred_and_country_is_normalized()
    {
        var (wallet, result) = WalletRules.Add(Wallet.Empty, "pm_1", Visa(), Now);

        var saved = Assert.IsType<WalletResult.Saved>(result);
        Assert.True(saved.Created);
        Assert.True(saved.Preferred);
        Assert.Equal("GB", saved.Method.BillingCountry);
        Assert.Equal("pm_1", wallet.PreferredId);
    }

    [Fact]
    public void Saving_a_saved_token_again_returns_the_saved_method()
    {
        var (wallet, _) = WalletRules.Add(Wallet.Empty, "pm_1", Visa(), Now);

        var (again, result) = WalletRules.Add(wallet, "pm_2", Visa(), Now);

        Assert.Same(wallet, again);
        Assert.Equal("pm_1", Assert.IsType<WalletResult.Saved>(result).Method.Id);
    }

    [Theory]
    [InlineData("4242424242424242", "visa", "4242", 12, 2030, "GB", "token")]
    [InlineData("tok_visa", "bankcard", "4242", 12, 2030, "GB", "brand")]
    [InlineData("tok_visa", "visa", "42a2", 12, 2030, "GB", "last4")]
    [InlineData("tok_visa", "visa", "4242", 13, 2030, "GB", "expiryMonth")]
    [InlineData("tok_visa", "visa", "4242", 4, 2026, "GB", "expiryYear")]
    [InlineData("tok_visa", "visa", "4242", 12, 2030, "XX", "billingCountry")]
    public void Anything_but_a_token_and_card_details_is_refused(string token, string brand, string last4, int month, int year, string country, string field)
    {
        var (_, result) = WalletRules.Add(Wallet.Empty, "pm_1", new PaymentMethodDraft(token, brand, last4, month, year, country, false), Now);

        Assert.Equal([field], Assert.IsType<WalletResult.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public void Methods_are_listed_preferred_first_then_newest_saved_with_expired_ones_last_whatever_was_used()
    {
        var wallet = Wallet.Empty;
        (wallet, _) = WalletRules.Add(wallet, "pm_old", Visa("tok_old") with { ExpiryYear = 2026, ExpiryMonth = 5 }, Now);
        (wallet, _) = WalletRules.Add(wallet, "pm_used", Visa("tok_used"), Now);
        (wallet, _) = WalletRules.Add(wallet, "pm_pref", Visa("tok_pref", preferred: true), Now);
        (wallet, _) = WalletRules.Add(wallet, "pm_new", Visa("tok_new"), Now.AddMinutes(1));
        wallet = wallet.Used("pm_used", Now.AddMinutes(2));
        wallet = WalletRules.Add(wallet, "pm_x", Visa("tok_x"), Now).Wallet;

        var later = Now.AddMonths(1);
        Assert.Equal(["pm_pref", "pm_new", "pm_used", "pm_x", "pm_old"], wallet.Ranked(later).Select(method => method.Id));
    }

    [Fact]
    public void Removing_the_preferred_method_passes_preference_on()
    {
        var wallet = WalletRules.Add(Wallet.Empty, "pm_1", Visa("tok_a"), Now).Wallet;
        wallet = WalletRules.Add(wallet, "pm_2", Visa("tok_b"), Now).Wallet;

        var (after, result) = WalletRules.Remove(wallet, "pm_1");

        Assert.IsType<WalletResult.Removed>(result);
        Assert.Equal("pm_2", after.PreferredId);
        Assert.IsType<WalletResult.NotFound>(WalletRules.Remove(after, "pm_1").Result);
    }
}
