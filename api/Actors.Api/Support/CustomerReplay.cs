using Actors.Api.Privacy;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;

namespace Actors.Api.Support;

/// <summary>A customer as their journal left them just before one event: the state, and the last event it includes.</summary>
public sealed record Replayed(CustomerState State, long Sequence, CheckoutCreated? Checkout);

/// <summary>
/// Rebuilds a customer as they were at a moment by folding their journal with <see cref="CustomerEvolution"/>, the
/// same apply the grain uses, from the first event (snapshots are not used: they hold only the latest state).
/// </summary>
public static class CustomerReplay
{
    /// <summary>
    /// The customer after every event before sequence <paramref name="before"/> (all when null); the creation of
    /// <paramref name="checkoutId"/>, when one is named and met on the way.
    /// </summary>
    public static async Task<Replayed> Before(
        JournalReader journal, string customerId, long? before, string? checkoutId, CancellationToken cancellationToken)
    {
        var state = CustomerState.New;
        var sequence = 0L;
        CheckoutCreated? checkout = null;
        await foreach (var entry in journal.Forward(customerId, before, cancellationToken))
        {
            state = CustomerEvolution.Apply(state, entry.Event);
            sequence = entry.Sequence;
            if (checkoutId is not null && entry.Event is CheckoutCreated { Summary.Checkout.Id: var id } created && id == checkoutId)
            {
                checkout = created;
            }
        }
        return new Replayed(state, sequence, checkout);
    }
}
