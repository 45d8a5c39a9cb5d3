using Actors.Grains.Journal;

namespace Actors.Grains.Carts;

/// <summary>A line was added, or replaced the line with its SKU; the cart's version rises by one.</summary>
[GenerateSerializer, Immutable, Alias("cart-line-set-v1")]
public sealed record CartLineSet([property: Id(0)] CartLine Line) : JournalEvent;

[GenerateSerializer, Immutable, Alias("cart-line-removed-v1")]
public sealed record CartLineRemoved([property: Id(0)] string Sku) : JournalEvent;
