using System.Collections.Immutable;

namespace Actors.Grains.Carts;

/// <summary>
/// One line of the cart: a quantity of a product at the unit price (minor units) the catalog gave it when the line was
/// set, and the catalog version that price came from (0 for lines set before prices came from the catalog).
/// </summary>
[GenerateSerializer, Immutable, Alias("cart-line-v1")]
public sealed record CartLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Name,
    [property: Id(2)] long UnitPrice,
    [property: Id(3)] string Currency,
    [property: Id(4)] int Quantity,
    [property: Id(5)] long CatalogVersion = 0);

/// <summary>What a device asks for: a SKU and a quantity, never a price.</summary>
[GenerateSerializer, Immutable, Alias("cart-item-draft-v1")]
public sealed record CartItemDraft([property: Id(0)] string? Sku, [property: Id(1)] int Quantity);

/// <summary>
/// The one cart a customer shares across all devices. <see cref="Version"/> rises by one on every change, so a
/// device editing from a stale copy is refused instead of overwriting another device's change.
/// </summary>
[GenerateSerializer, Immutable, Alias("cart-v1")]
public sealed record Cart
{
    [Id(0)] public long Version { get; init; }
    [Id(1)] public ImmutableList<CartLine> Lines { get; init; } = [];
    [Id(2)] public DateTimeOffset? UpdatedAt { get; init; }

    public static Cart Empty { get; } = new();

    /// <summary>All lines share one currency; null while the cart is empty.</summary>
    public string? Currency => Lines.IsEmpty ? null : Lines[0].Currency;

    /// <summary>The sum of all lines; the rules keep it within <see cref="Money.Amounts.Max"/>.</summary>
    public long Total => Lines.Aggregate(0L, (sum, line) => checked(sum + line.UnitPrice * line.Quantity));
}

/// <summary>What a cart change came to: errors a caller can cause are values.</summary>
[GenerateSerializer, Immutable, Alias("cart-result")]
public abstract record CartResult
{
    [GenerateSerializer, Immutable, Alias("cart-result-updated")]
    public sealed record Updated([property: Id(0)] Cart Cart) : CartResult;

    /// <summary>The caller's version is stale; <see cref="Current"/> is the cart to start again from.</summary>
    [GenerateSerializer, Immutable, Alias("cart-result-version-mismatch")]
    public sealed record VersionMismatch([property: Id(0)] Cart Current) : CartResult;

    [GenerateSerializer, Immutable, Alias("cart-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : CartResult;

    /// <summary>The catalog has no active item with this SKU.</summary>
    [GenerateSerializer, Immutable, Alias("cart-result-unknown-sku")]
    public sealed record UnknownSku([property: Id(0)] string Sku) : CartResult;

    [GenerateSerializer, Immutable, Alias("cart-result-customer-not-found")]
    public sealed record CustomerNotFound : CartResult;
}
