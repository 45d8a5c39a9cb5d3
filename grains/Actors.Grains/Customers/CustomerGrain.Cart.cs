using Actors.Grains.Carts;
using Actors.Grains.Catalog;

namespace Actors.Grains.Customers;

/// <summary>The one cart every device shares: each edit appends one small event.</summary>
public sealed partial class CustomerGrain
{
    public Task<CartResult> GetCart(CancellationToken cancellationToken) =>
        Task.FromResult<CartResult>(durable.Profile is null
            ? new CartResult.CustomerNotFound()
            : new CartResult.Updated(durable.Commerce.Cart));

    /// <summary>Prices the SKU first (the only await), then decides against the state as it is after it.</summary>
    public async Task<CartResult> PutCartLine(long expectedVersion, CartItemDraft item, CancellationToken cancellationToken)
    {
        var prices = CatalogRules.IsSku(item.Sku) ? await Prices([item.Sku!], cancellationToken) : PriceList.Empty;
        var decision = CartDecider.Put(state, expectedVersion, item, prices.Find, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    /// <summary>The catalog's current versions of <paramref name="skus"/>, asked of the one catalog grain.</summary>
    private Task<PriceList> Prices(IEnumerable<string> skus, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Prices([.. skus.Distinct(StringComparer.Ordinal)], cancellationToken);

    public async Task<CartResult> RemoveCartLine(long expectedVersion, string sku, CancellationToken cancellationToken)
    {
        var decision = CartDecider.Remove(state, expectedVersion, sku, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
