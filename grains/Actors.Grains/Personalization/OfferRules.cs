using Actors.Grains.Money;

namespace Actors.Grains.Personalization;

/// <summary>
/// An offer the merchant configures. It is <see cref="IsTargeted"/> when it is aimed at a segment, which profiles the
/// customer: such offers are shown only with the <c>marketing</c> consent. Minimum basket, channel and first purchase
/// are conditions of the purchase itself.
/// </summary>
public sealed record Offer
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";

    /// <summary>Percent off the total (1–100), or…</summary>
    public int? PercentOff { get; init; }

    /// <summary>…a fixed amount off, in minor units of <see cref="Currency"/>.</summary>
    public long? AmountOff { get; init; }

    /// <summary>The currency of <see cref="AmountOff"/> and <see cref="MinimumBasket"/>; an offer with either applies only to checkouts in it.</summary>
    public string? Currency { get; init; }
    public long? MinimumBasket { get; init; }
    public Segment? Segment { get; init; }

    /// <summary><c>web</c>, <c>mobile</c> or <c>pos</c>; any channel when null.</summary>
    public string? Channel { get; init; }
    public bool FirstPurchaseOnly { get; init; }

    public bool IsTargeted => Segment is not null;
}

/// <summary>An offer applied to a checkout: the discount in the checkout's currency and why it applied.</summary>
[GenerateSerializer, Immutable, Alias("applied-offer-v1")]
public sealed record AppliedOffer(
    [property: Id(0)] string OfferId,
    [property: Id(1)] string Title,
    [property: Id(2)] long Discount,
    [property: Id(3)] bool Targeted,
    [property: Id(4)] string Reason);

/// <summary>The purchase an offer is judged against.</summary>
/// <param name="Segments">The customer's segments, or null when targeting is not allowed (no <c>marketing</c> consent).</param>
public readonly record struct OfferContext(long Total, string Currency, string Channel, bool FirstPurchase, IReadOnlySet<Segment>? Segments);

public static class OfferRules
{
    /// <summary>
    /// The one offer that takes the most off, of those whose conditions hold; null when none does. An offer never takes
    /// the whole total: the customer still pays something, so a card is always charged.
    /// </summary>
    public static AppliedOffer? Best(IEnumerable<Offer> offers, OfferContext purchase) => offers
        .Select(offer => Apply(offer, purchase))
        .OfType<AppliedOffer>()
        .OrderByDescending(applied => applied.Discount)
        .ThenBy(applied => applied.OfferId, StringComparer.Ordinal)
        .FirstOrDefault();

    public static AppliedOffer? Apply(Offer offer, OfferContext purchase)
    {
        if ((offer.AmountOff is not null || offer.MinimumBasket is not null) && offer.Currency != purchase.Currency)
        {
            return null;
        }
        if (offer.MinimumBasket is { } minimum && purchase.Total < minimum
            || offer.Channel is { } channel && channel != purchase.Channel
            || offer.FirstPurchaseOnly && !purchase.FirstPurchase
            || offer.Segment is { } segment && purchase.Segments?.Contains(segment) != true)
        {
            return null;
        }
        var discount = offer switch
        {
            { PercentOff: >= 1 and <= 100 and var percent } => HalfAwayFromZero(purchase.Total * (long)percent, 100),
            { AmountOff: > 0 and var amount } => amount,
            _ => 0,
        };
        if (discount <= 0 || discount >= purchase.Total)
        {
            return null;
        }
        return new AppliedOffer(offer.Id, offer.Title, discount, offer.IsTargeted, Reason(offer, purchase));
    }

    private static string Reason(Offer offer, OfferContext purchase)
    {
        var because = new List<string>();
        if (offer.Segment is { } segment)
        {
            because.Add($"you {Segments.Explain(segment)} and allowed marketing offers");
        }
        if (offer.FirstPurchaseOnly)
        {
            because.Add("this is your first purchase");
        }
        if (offer.MinimumBasket is { } minimum)
        {
            because.Add($"your basket is at least {Amounts.Format(minimum, purchase.Currency)}");
        }
        if (offer.Channel is { } channel)
        {
            because.Add($"you are buying {ChannelPhrase(channel)}");
        }
        return because.Count == 0 ? "This offer applies to every purchase." : $"Applied because {string.Join(" and ", because)}.";
    }

    private static string ChannelPhrase(string channel) => channel switch
    {
        "pos" => "in store",
        "mobile" => "in the app",
        _ => "online",
    };

    private static long HalfAwayFromZero(long numerator, long denominator) => (numerator + denominator / 2) / denominator;
}
