using Actors.Grains.Catalog;
using Actors.Grains.Money;

namespace Actors.Grains.Carts;

/// <summary>Cart changes: pure, versioned, priced from the catalog, and bounded (quantities 1–999, at most 100 lines, one currency).</summary>
public static class CartRules
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 999;

    /// <summary>
    /// Adds <paramref name="item"/>'s line, or replaces the line with the same SKU, when the cart is still at
    /// <paramref name="expectedVersion"/>. The name and price come from <paramref name="priceOf"/> (the catalog).
    /// </summary>
    public static CartResult Put(Cart cart, long expectedVersion, CartItemDraft item, Func<string, CatalogItem?> priceOf, DateTimeOffset now)
    {
        if (cart.Version != expectedVersion)
        {
            return new CartResult.VersionMismatch(cart);
        }

        var errors = Validate(item.Sku, item.Quantity);
        if (errors.Count > 0)
        {
            return new CartResult.Invalid(errors);
        }
        if (priceOf(item.Sku!) is not { } product)
        {
            return new CartResult.UnknownSku(item.Sku!);
        }
        var line = Priced(product, item.Quantity);

        var index = cart.Lines.FindIndex(existing => existing.Sku == line.Sku);
        var others = index < 0 ? cart.Lines : cart.Lines.RemoveAt(index);
        if (others.Count > 0 && others[0].Currency != line.Currency)
        {
            return Invalid("sku", $"{line.Sku} is priced in {line.Currency} and the cart is in {others[0].Currency}; one cart holds one currency");
        }
        if (index < 0 && cart.Lines.Count >= MaxLines)
        {
            return Invalid("sku", $"the cart already has {MaxLines} lines");
        }

        var next = Set(cart, line, now);
        if (!FitsInAmount(next.Lines))
        {
            return Invalid("quantity", "the cart total would exceed the largest amount accepted");
        }
        return new CartResult.Updated(next);
    }

    /// <summary>A line of <paramref name="quantity"/> of <paramref name="product"/> at its current price and version.</summary>
    public static CartLine Priced(CatalogItem product, int quantity) =>
        new(product.Sku, product.Name, product.UnitPrice, product.Currency, quantity, product.Version);

    /// <summary>The cart with <paramref name="line"/> added, or in place of the line with its SKU, one version on.</summary>
    public static Cart Set(Cart cart, CartLine line, DateTimeOffset at)
    {
        var index = cart.Lines.FindIndex(existing => existing.Sku == line.Sku);
        var lines = index < 0 ? cart.Lines.Add(line) : cart.Lines.SetItem(index, line);
        return cart with { Version = cart.Version + 1, Lines = lines, UpdatedAt = at };
    }

    /// <summary>The cart without the line with <paramref name="sku"/>, one version on.</summary>
    public static Cart Without(Cart cart, string sku, DateTimeOffset at) =>
        cart with { Version = cart.Version + 1, Lines = cart.Lines.RemoveAll(line => line.Sku == sku), UpdatedAt = at };

    /// <summary>Removes the line with <paramref name="sku"/>; removing a line that is not there changes nothing.</summary>
    public static CartResult Remove(Cart cart, long expectedVersion, string sku, DateTimeOffset now)
    {
        if (cart.Version != expectedVersion)
        {
            return new CartResult.VersionMismatch(cart);
        }
        return cart.Lines.Exists(line => line.Sku == sku)
            ? new CartResult.Updated(Without(cart, sku, now))
            : new CartResult.Updated(cart);
    }

    /// <summary>
    /// Takes the paid lines out of the cart after a checkout of it succeeded. Lines another device added since the
    /// checkout was created stay; the version rises so every device sees the change.
    /// </summary>
    public static Cart RemovePaid(Cart cart, IEnumerable<string> paidSkus, DateTimeOffset now)
    {
        var paid = paidSkus.ToHashSet(StringComparer.Ordinal);
        var lines = cart.Lines.RemoveAll(line => paid.Contains(line.Sku));
        return lines.Count == cart.Lines.Count ? cart : cart with { Version = cart.Version + 1, Lines = lines, UpdatedAt = now };
    }

    /// <summary>Field errors of what a device asks for, keyed by JSON name: a SKU of the catalog's shape and a quantity.</summary>
    public static Dictionary<string, string[]> Validate(string? sku, int quantity)
    {
        var errors = new Dictionary<string, string[]>();
        if (!CatalogRules.IsSku(sku))
        {
            errors["sku"] = [CatalogRules.SkuRule];
        }
        if (quantity is < 1 or > MaxQuantity)
        {
            errors["quantity"] = [$"must be from 1 to {MaxQuantity}"];
        }
        return errors;
    }

    /// <summary>Whether every line total and the sum stay within <see cref="Amounts.Max"/> (so no sum can overflow).</summary>
    public static bool FitsInAmount(IEnumerable<CartLine> lines)
    {
        var total = 0L;
        foreach (var line in lines)
        {
            // UnitPrice ≤ 10^15 and Quantity ≤ 999 cannot overflow a long; the bound is what matters.
            total += line.UnitPrice * line.Quantity;
            if (total > Amounts.Max)
            {
                return false;
            }
        }
        return true;
    }

    private static CartResult.Invalid Invalid(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });

}
