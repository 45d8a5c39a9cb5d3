using Actors.Grains.Catalog;
using Actors.Grains.Customers;
using Actors.Grains.Journal;

namespace Actors.Grains.Carts;

/// <summary>Cart edits as decisions: one small event per change, never the whole cart.</summary>
public static class CartDecider
{
    /// <summary>Sets the line of <paramref name="item"/>, priced by <paramref name="priceOf"/> (the catalog's current versions).</summary>
    public static Decision<CartResult> Put(
        CustomerState state, long expectedVersion, CartItemDraft item, Func<string, CatalogItem?> priceOf, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<CartResult>(new CartResult.CustomerNotFound());
        }
        var result = CartRules.Put(state.Commerce.Cart, expectedVersion, item, priceOf, now);
        return result is CartResult.Updated updated
            ? Decision.Emit(result, new CartLineSet(updated.Cart.Lines.Find(set => set.Sku == item.Sku)!) { At = now })
            : Decision.Answer(result);
    }

    /// <summary>Removes the line; removing a line that is not there answers the cart as it is and appends nothing.</summary>
    public static Decision<CartResult> Remove(CustomerState state, long expectedVersion, string sku, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<CartResult>(new CartResult.CustomerNotFound());
        }
        var cart = state.Commerce.Cart;
        var result = CartRules.Remove(cart, expectedVersion, sku, now);
        return result is CartResult.Updated updated && updated.Cart.Version != cart.Version
            ? Decision.Emit(result, new CartLineRemoved(sku) { At = now })
            : Decision.Answer(result);
    }
}
