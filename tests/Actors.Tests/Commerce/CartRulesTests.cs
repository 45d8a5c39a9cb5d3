using Actors.Grains.Carts;
using Actors.Grains.Money;
using Actors.Tests.Infrastructure;
using CsCheck;

namespace Actors.Tests.Commerce;

public sealed class CartRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Puts <paramref name="quantity"/> of <paramref name="sku"/>, which the catalog prices at <paramref name="price"/>.</summary>
    private static CartResult Put(Cart cart, long version, string sku = "beans-1kg", long price = 1_450, int quantity = 1, string currency = "EUR") =>
        CartRules.Put(cart, version, new CartItemDraft(sku, quantity), TestCatalog.Of(TestCatalog.Item(sku, "Coffee beans", price, currency)), Now);

    private static Cart Updated(CartResult result) => Assert.IsType<CartResult.Updated>(result).Cart;

    [Fact]
    public void Adding_a_line_raises_the_version_and_totals_in_minor_units()
    {
        var cart = Updated(Put(Cart.Empty, 0, quantity: 2));

        Assert.Equal(1, cart.Version);
        Assert.Equal(2_900, cart.Total);
        Assert.Equal("EUR", cart.Currency);
        Assert.Equal(Now, cart.UpdatedAt);
    }

    [Fact]
    public void Putting_the_same_sku_replaces_its_line()
    {
        var cart = Updated(Put(Cart.Empty, 0, quantity: 2));
        cart = Updated(Put(cart, 1, quantity: 5));

        Assert.Equal(5, Assert.Single(cart.Lines).Quantity);
        Assert.Equal(2, cart.Version);
    }

    [Fact]
    public void A_stale_version_is_refused_with_the_current_cart()
    {
        var cart = Updated(Put(Cart.Empty, 0));

        var result = Put(cart, 0, "mug");

        Assert.Equal(cart, Assert.IsType<CartResult.VersionMismatch>(result).Current);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void Quantities_outside_1_to_999_are_refused(int quantity)
    {
        var result = Put(Cart.Empty, 0, quantity: quantity);

        Assert.Equal(["quantity"], Assert.IsType<CartResult.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public void Bad_skus_are_refused_before_the_catalog_is_asked()
    {
        var errors = Assert.IsType<CartResult.Invalid>(CartRules.Put(Cart.Empty, 0, new CartItemDraft("no spaces", 0), _ => throw new InvalidOperationException("asked"), Now)).Errors;

        Assert.Equal(["quantity", "sku"], errors.Keys.Order());
    }

    [Fact]
    public void A_line_takes_its_name_price_currency_and_version_from_the_catalog()
    {
        var prices = TestCatalog.Of(TestCatalog.Item("mug", "Enamel mug", 899, "GBP", version: 3));

        var cart = Updated(CartRules.Put(Cart.Empty, 0, new CartItemDraft("mug", 2), prices, Now));

        Assert.Equal(new CartLine("mug", "Enamel mug", 899, "GBP", 2, CatalogVersion: 3), Assert.Single(cart.Lines));
        Assert.Equal(1_798, cart.Total);
    }

    [Fact]
    public void A_sku_the_catalog_does_not_have_or_has_inactive_is_unknown()
    {
        var prices = TestCatalog.Of(TestCatalog.Item("retired", "Old mug", 500, active: false));

        Assert.Equal(new CartResult.UnknownSku("nope"), CartRules.Put(Cart.Empty, 0, new CartItemDraft("nope", 1), prices, Now));
        Assert.Equal(new CartResult.UnknownSku("retired"), CartRules.Put(Cart.Empty, 0, new CartItemDraft("retired", 1), prices, Now));
    }

    [Fact]
    public void One_cart_holds_one_currency()
    {
        var cart = Updated(Put(Cart.Empty, 0));

        var result = Put(cart, 1, "mug", currency: "USD");

        Assert.Contains("sku", Assert.IsType<CartResult.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public void A_cart_holds_at_most_100_lines()
    {
        var cart = Cart.Empty;
        for (var i = 0; i < CartRules.MaxLines; i++)
        {
            cart = Updated(Put(cart, cart.Version, $"sku-{i}"));
        }

        Assert.IsType<CartResult.Invalid>(Put(cart, cart.Version, "one-too-many"));
        Assert.IsType<CartResult.Updated>(Put(cart, cart.Version, "sku-7", quantity: 3));
    }

    [Fact]
    public void A_total_past_the_largest_amount_is_refused_rather_than_overflowing()
    {
        var cart = Updated(Put(Cart.Empty, 0, "a", price: Amounts.Max));

        var result = Put(cart, 1, "b", price: 1);

        Assert.IsType<CartResult.Invalid>(result);
    }

    [Fact]
    public void Removing_a_line_that_is_not_there_changes_nothing()
    {
        var cart = Updated(Put(Cart.Empty, 0));

        Assert.Same(cart, Updated(CartRules.Remove(cart, 1, "mug", Now)));
        Assert.Empty(Updated(CartRules.Remove(cart, 1, "beans-1kg", Now)).Lines);
    }

    [Fact]
    public void Paying_removes_only_the_paid_lines()
    {
        var cart = Updated(Put(Cart.Empty, 0, "beans"));
        cart = Updated(Put(cart, 1, "mug"));

        var after = CartRules.RemovePaid(cart, ["beans"], Now);

        Assert.Equal("mug", Assert.Single(after.Lines).Sku);
        Assert.Equal(cart.Version + 1, after.Version);
    }

    [Fact]
    public void Any_sequence_of_accepted_changes_keeps_the_cart_within_its_bounds()
    {
        var change = Gen.Select(Gen.Int[0, 5], Gen.Long[1, Amounts.Max / 500], Gen.Int[-1, 1001], Gen.Bool);
        change.Array[1, 200].Sample(changes =>
        {
            var cart = Cart.Empty;
            foreach (var (sku, price, quantity, remove) in changes)
            {
                var result = remove
                    ? CartRules.Remove(cart, cart.Version, $"sku-{sku}", Now)
                    : Put(cart, cart.Version, $"sku-{sku}", price, quantity);
                if (result is CartResult.Updated updated)
                {
                    Assert.True(updated.Cart.Version >= cart.Version);
                    cart = updated.Cart;
                }
            }
            Assert.All(cart.Lines, line => Assert.InRange(line.Quantity, 1, CartRules.MaxQuantity));
            Assert.All(cart.Lines, line => Assert.True(line.UnitPrice > 0));
            Assert.InRange(cart.Total, 0, Amounts.Max);
        });
    }
}
