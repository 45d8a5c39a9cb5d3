using Actors.Grains.Carts;

namespace Actors.Grains.Customers;

/// <summary>The one cart every device shares: each edit appends one small event.</summary>
public sealed partial class CustomerGrain
{
    public Task<CartResult> GetCart(CancellationToken cancellationToken) =>
        Task.FromResult<CartResult>(durable.Profile is null
            ? new CartResult.CustomerNotFound()
            : new CartResult.Updated(durable.Commerce.Cart));

    public async Task<CartResult> PutCartLine(long expectedVersion, CartLine line, CancellationToken cancellationToken)
    {
        var decision = CartDecider.Put(state, expectedVersion, line, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<CartResult> RemoveCartLine(long expectedVersion, string sku, CancellationToken cancellationToken)
    {
        var decision = CartDecider.Remove(state, expectedVersion, sku, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
