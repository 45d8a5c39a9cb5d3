using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Money;
using Actors.Grains.Payments;

namespace Actors.Tests.Commerce;

public sealed class CheckoutRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly ExchangeRates Rates = new(new Dictionary<string, decimal> { ["EUR"] = 1m, ["USD"] = 1.1m, ["JPY"] = 160m });

    private static readonly Cart TwoLines = new()
    {
        Version = 2,
        Lines = [new("beans", "Coffee beans", 1_450, "EUR", 2), new("mug", "Mug", 900, "EUR", 1)],
    };

    private static MoneyResult? Build(CheckoutDraft draft, Cart cart, out Checkout? checkout, string capCurrency = "EUR") =>
        CheckoutRules.Build("chk_1", draft, cart, capCurrency, Rates, "web", Now, TimeSpan.FromMinutes(15), out checkout);

    [Fact]
    public void A_checkout_of_the_cart_freezes_its_lines_total_and_expiry()
    {
        Assert.Null(Build(new CheckoutDraft(null, null), TwoLines, out var checkout));

        Assert.Equal(3_800, checkout!.Total);
        Assert.Equal(3_800, checkout.ConvertedTotal);
        Assert.True(checkout.FromCart);
        Assert.Equal(CheckoutStatus.RequiresConfirmation, checkout.Status);
        Assert.Equal(Now.AddMinutes(15), checkout.ExpiresAt);
        Assert.Equal("2 × Coffee beans, 1 × Mug", checkout.Description);
    }

    [Fact]
    public void An_empty_cart_cannot_be_checked_out()
    {
        Assert.IsType<MoneyResult.CartEmpty>(Build(new CheckoutDraft(null, null), Cart.Empty, out _));
    }

    [Fact]
    public void Explicit_lines_are_validated_with_their_index()
    {
        var draft = new CheckoutDraft([new("ok", "Fine", 100, "EUR", 1), new("bad", "Negative", -1, "EUR", 0)], null);

        var errors = Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _)).Errors;

        Assert.Equal(["lines[1].quantity", "lines[1].unitPrice"], errors.Keys.Order());
    }

    [Fact]
    public void Lines_in_two_currencies_are_refused()
    {
        var draft = new CheckoutDraft([new("a", "A", 100, "EUR", 1), new("b", "B", 100, "USD", 1)], null);

        Assert.Contains("lines[1].currency", Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _)).Errors.Keys);
    }

    [Fact]
    public void A_total_past_the_largest_amount_is_refused()
    {
        var draft = new CheckoutDraft([new("a", "A", Amounts.Max, "EUR", 2)], null);

        Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _));
    }

    [Fact]
    public void Another_currency_is_converted_to_the_caps_currency()
    {
        var draft = new CheckoutDraft([new("a", "A", 10_000, "JPY", 1)], "Tea set");

        Assert.Null(Build(draft, Cart.Empty, out var checkout));

        // 10,000 JPY / 160 * 1.1 = 68.75 USD = 6,875 cents.
        Assert.Equal(6_875, Build(draft, Cart.Empty, out var usd, "USD") is null ? usd!.ConvertedTotal : -1);
        Assert.Equal(6_250, checkout!.ConvertedTotal);
        Assert.Equal("Tea set", checkout.Description);
    }

    [Fact]
    public void A_currency_without_a_rate_is_refused()
    {
        var draft = new CheckoutDraft([new("a", "A", 100, "GBP", 1)], null);

        Assert.Equal(new MoneyResult.UnsupportedCurrency("GBP", "EUR"), Build(draft, Cart.Empty, out _));
    }
}
