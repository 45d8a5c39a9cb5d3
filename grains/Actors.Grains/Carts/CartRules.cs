using System.Text.RegularExpressions;
using Actors.Grains.Money;

namespace Actors.Grains.Carts;

/// <summary>Cart changes: pure, versioned, and bounded (quantities 1–999, at most 100 lines, one currency).</summary>
public static partial class CartRules
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 999;
    public const int MaxSku = 64;
    public const int MaxName = 200;

    /// <summary>Adds the line, or replaces the line with the same SKU, when the cart is still at <paramref name="expectedVersion"/>.</summary>
    public static CartResult Put(Cart cart, long expectedVersion, CartLine line, DateTimeOffset now)
    {
        if (cart.Version != expectedVersion)
        {
            return new CartResult.VersionMismatch(cart);
        }

        var errors = Validate(line, out var normalized);
        if (errors.Count > 0)
        {
            return new CartResult.Invalid(errors);
        }

        var index = cart.Lines.FindIndex(existing => existing.Sku == normalized.Sku);
        var others = index < 0 ? cart.Lines : cart.Lines.RemoveAt(index);
        if (others.Count > 0 && others[0].Currency != normalized.Currency)
        {
            return Invalid("currency", $"the cart is in {others[0].Currency}; one cart holds one currency");
        }
        if (index < 0 && cart.Lines.Count >= MaxLines)
        {
            return Invalid("sku", $"the cart already has {MaxLines} lines");
        }

        var next = Set(cart, normalized, now);
        if (!FitsInAmount(next.Lines))
        {
            return Invalid("quantity", "the cart total would exceed the largest amount accepted");
        }
        return new CartResult.Updated(next);
    }

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

    /// <summary>Field errors of one line, keyed by JSON name; <paramref name="normalized"/> has a trimmed name and upper-case currency.</summary>
    public static Dictionary<string, string[]> Validate(CartLine line, out CartLine normalized)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(line.Sku) || line.Sku.Length > MaxSku || !SkuShape().IsMatch(line.Sku))
        {
            errors["sku"] = [$"is required: 1–{MaxSku} letters, digits, '.', '_' or '-'"];
        }
        var name = line.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxName || name.Any(char.IsControl))
        {
            errors["name"] = [$"is required: 1–{MaxName} printable characters"];
        }
        if (line.UnitPrice is <= 0 or > Amounts.Max)
        {
            errors["unitPrice"] = [$"must be a whole number of minor units from 1 to {Amounts.Max}"];
        }
        if (!Currencies.TryNormalize(line.Currency, out var currency))
        {
            errors["currency"] = ["must be an ISO-4217 currency code"];
        }
        if (line.Quantity is < 1 or > MaxQuantity)
        {
            errors["quantity"] = [$"must be from 1 to {MaxQuantity}"];
        }
        normalized = line with { Name = name, Currency = currency };
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

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SkuShape();
}
