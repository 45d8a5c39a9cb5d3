using Actors.Grains.Carts;
using Actors.Grains.Catalog;
using Actors.Grains.Checkouts;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Tests.Infrastructure;

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

    private static readonly Func<string, CatalogItem?> Catalog = TestCatalog.Of(
        TestCatalog.Item("beans", "Coffee beans", 1_450),
        TestCatalog.Item("mug", "Mug", 900),
        TestCatalog.Item("a", "A", 100),
        TestCatalog.Item("b", "B", 100, "USD"),
        TestCatalog.Item("max", "Most expensive", Amounts.Max),
        TestCatalog.Item("tea-set", "Tea set", 10_000, "JPY"),
        TestCatalog.Item("scarf", "Scarf", 100, "GBP"));

    private static MoneyResult? Build(CheckoutDraft draft, Cart cart, out Checkout? checkout, string capCurrency = "EUR") =>
        Build(draft, cart, Catalog, out checkout, capCurrency);

    private static MoneyResult? Build(CheckoutDraft draft, Cart cart, Func<string, CatalogItem?> prices, out Checkout? checkout, string capCurrency = "EUR") =>
        CheckoutRules.Build("chk_1", draft, cart, prices, capCurrency, Rates, "web", Now, TimeSpan.FromMinutes(15), out checkout);

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
    public void A_checkout_of_the_cart_is_priced_again_from_the_catalog()
    {
        var raised = TestCatalog.Of(TestCatalog.Item("beans", "Coffee beans", 1_500, version: 2), TestCatalog.Item("mug", "Mug", 900));

        Assert.Null(Build(new CheckoutDraft(null, null), TwoLines, raised, out var checkout));

        Assert.Equal(3_900, checkout!.Total);
        Assert.Equal((1_500L, 2L), (checkout.Lines[0].UnitPrice, checkout.Lines[0].CatalogVersion));
        Assert.Equal((900L, 1L), (checkout.Lines[1].UnitPrice, checkout.Lines[1].CatalogVersion));
    }

    [Fact]
    public void A_cart_line_the_catalog_no_longer_sells_is_an_unknown_sku()
    {
        var withoutMug = TestCatalog.Of(TestCatalog.Item("beans", "Coffee beans", 1_450), TestCatalog.Item("mug", "Mug", 900, version: 2, active: false));

        Assert.Equal(new MoneyResult.UnknownSku("mug"), Build(new CheckoutDraft(null, null), TwoLines, withoutMug, out _));
    }

    [Fact]
    public void Explicit_lines_are_validated_with_their_index_before_they_are_priced()
    {
        var draft = new CheckoutDraft([new("a", 1), new("bad sku", 0)], null);

        var errors = Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _)).Errors;

        Assert.Equal(["lines[1].quantity", "lines[1].sku"], errors.Keys.Order());
    }

    [Fact]
    public void Explicit_lines_are_priced_from_the_catalog_and_an_unknown_one_is_named()
    {
        Assert.Null(Build(new CheckoutDraft([new("beans", 2), new("mug", 1)], null), Cart.Empty, out var checkout));
        Assert.Equal(3_800, checkout!.Total);
        Assert.Equal("2 × Coffee beans, 1 × Mug", checkout.Description);

        Assert.Equal(new MoneyResult.UnknownSku("nope"), Build(new CheckoutDraft([new("beans", 1), new("nope", 1)], null), Cart.Empty, out _));
    }

    [Fact]
    public void Lines_in_two_currencies_are_refused()
    {
        var draft = new CheckoutDraft([new("a", 1), new("b", 1)], null);

        Assert.Contains("lines[1].sku", Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _)).Errors.Keys);
    }

    [Fact]
    public void A_total_past_the_largest_amount_is_refused()
    {
        var draft = new CheckoutDraft([new("max", 2)], null);

        Assert.IsType<MoneyResult.Invalid>(Build(draft, Cart.Empty, out _));
    }

    [Fact]
    public void Another_currency_is_converted_to_the_caps_currency()
    {
        var draft = new CheckoutDraft([new("tea-set", 1)], "Tea set");

        Assert.Null(Build(draft, Cart.Empty, out var checkout));

        // 10,000 JPY / 160 * 1.1 = 68.75 USD = 6,875 cents.
        Assert.Equal(6_875, Build(draft, Cart.Empty, out var usd, "USD") is null ? usd!.ConvertedTotal : -1);
        Assert.Equal(6_250, checkout!.ConvertedTotal);
        Assert.Equal("Tea set", checkout.Description);
    }

    [Fact]
    public void A_currency_without_a_rate_is_refused()
    {
        var draft = new CheckoutDraft([new("scarf", 1)], null);

        Assert.Equal(new MoneyResult.UnsupportedCurrency("GBP", "EUR"), Build(draft, Cart.Empty, out _));
    }
}
