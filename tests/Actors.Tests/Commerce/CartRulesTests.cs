using Actors.Grains.Carts;
using Actors.Grains.Money;
using CsCheck;

namespace Actors.Tests.Commerce;

public sealed class CartRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static CartLine Line(string sku = "beans-1kg", long price = 1_450, int quantity = 1, string currency = "EUR") =>
        new(sku, "Coffee beans", price, currency, quantity);

    private static Cart Updated(CartResult result) => Assert.IsType<CartResult.Updated>(result).Cart;

    [Fact]
    public void Adding_a_line_raises_the_version_and_totals_in_minor_units()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line(quantity: 2), Now));

        Assert.Equal(1, cart.Version);
        Assert.Equal(2_900, cart.Total);
        Assert.Equal("EUR", cart.Currency);
        Assert.Equal(Now, cart.UpdatedAt);
    }

    [Fact]
    public void Putting_the_same_sku_replaces_its_line()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line(quantity: 2), Now));
        cart = Updated(CartRules.Put(cart, 1, Line(quantity: 5), Now));

        Assert.Equal(5, Assert.Single(cart.Lines).Quantity);
        Assert.Equal(2, cart.Version);
    }

    [Fact]
    public void A_stale_version_is_refused_with_the_current_cart()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line(), Now));

        var result = CartRules.Put(cart, 0, Line("mug"), Now);

        Assert.Equal(cart, Assert.IsType<CartResult.VersionMismatch>(result).Current);
    }

    [Theory]
    [InlineData(0, 1, "quantity")]
    [InlineData(1000, 1, "quantity")]
    [InlineData(1, 0, "unitPrice")]
    [InlineData(1, -5, "unitPrice")]
    public void Quantities_outside_1_to_999_and_non_positive_prices_are_refused(int quantity, long price, string field)
    {
        var result = CartRules.Put(Cart.Empty, 0, Line(quantity: quantity, price: price), Now);

        Assert.Contains(field, Assert.IsType<CartResult.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public void Unknown_currencies_and_bad_skus_are_refused()
    {
        var errors = Assert.IsType<CartResult.Invalid>(CartRules.Put(Cart.Empty, 0, new CartLine("no spaces", "", 1, "XXX", 1), Now)).Errors;

        Assert.Equal(["currency", "name", "sku"], errors.Keys.Order());
    }

    [Fact]
    public void One_cart_holds_one_currency()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line(), Now));

        var result = CartRules.Put(cart, 1, Line("mug", currency: "USD"), Now);

        Assert.Contains("currency", Assert.IsType<CartResult.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public void A_cart_holds_at_most_100_lines()
    {
        var cart = Cart.Empty;
        for (var i = 0; i < CartRules.MaxLines; i++)
        {
            cart = Updated(CartRules.Put(cart, cart.Version, Line($"sku-{i}"), Now));
        }

        Assert.IsType<CartResult.Invalid>(CartRules.Put(cart, cart.Version, Line("one-too-many"), Now));
        Assert.IsType<CartResult.Updated>(CartRules.Put(cart, cart.Version, Line("sku-7", quantity: 3), Now));
    }

    [Fact]
    public void A_total_past_the_largest_amount_is_refused_rather_than_overflowing()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line("a", price: Amounts.Max), Now));

        var result = CartRules.Put(cart, 1, Line("b", price: 1), Now);

        Assert.IsType<CartResult.Invalid>(result);
    }

    [Fact]
    public void Removing_a_line_that_is_not_there_changes_nothing()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line(), Now));

        Assert.Same(cart, Updated(CartRules.Remove(cart, 1, "mug", Now)));
        Assert.Empty(Updated(CartRules.Remove(cart, 1, "beans-1kg", Now)).Lines);
    }

    [Fact]
    public void Paying_removes_only_the_paid_lines()
    {
        var cart = Updated(CartRules.Put(Cart.Empty, 0, Line("beans"), Now));
        cart = Updated(CartRules.Put(cart, 1, Line("mug"), Now));

        var after = CartRules.RemovePaid(cart, ["beans"], Now);

        Assert.Equal("mug", Assert.Single(after.Lines).Sku);
        Assert.Equal(cart.Version + 1, after.Version);
    }

    [Fact]
    public void Any_sequence_of_accepted_changes_keeps_the_cart_within_its_bounds()
    {
        var change = Gen.Select(Gen.Int[0, 5], Gen.Long[-10, Amounts.Max / 500], Gen.Int[-1, 1001], Gen.Bool);
        change.Array[1, 200].Sample(changes =>
        {
            var cart = Cart.Empty;
            foreach (var (sku, price, quantity, remove) in changes)
            {
                var result = remove
                    ? CartRules.Remove(cart, cart.Version, $"sku-{sku}", Now)
                    : CartRules.Put(cart, cart.Version, Line($"sku-{sku}", price, quantity), Now);
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
