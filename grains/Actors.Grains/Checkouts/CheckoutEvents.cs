using Actors.Grains.Journal;
using Actors.Grains.Retention;

namespace Actors.Grains.Checkouts;

/// <summary>
/// A checkout was created, with the summary the customer was shown: the methods in the order offered and the
/// headroom under each cap. Kept whole, so a retry of the request gets exactly that answer again.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkout-created-v1")]
public sealed record CheckoutCreated([property: Id(0)] CheckoutSummary Summary) : JournalEvent, IHoldsPersonalData
{
    public JournalEvent WithoutPersonalData() => this with { Summary = Summary with { Checkout = AgedData.Anonymous(Summary.Checkout) } };
}
