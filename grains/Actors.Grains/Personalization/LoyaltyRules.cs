using Actors.Grains.Money;

namespace Actors.Grains.Personalization;

/// <summary>
/// How loyalty points are earned and what they are worth. Points are counted in one merchant currency whatever a
/// customer pays in, so a yen and a euro customer earn alike for the same spend.
/// </summary>
public sealed class LoyaltySettings
{
    /// <summary>The currency points are counted in.</summary>
    public string Currency { get; set; } = "EUR";

    /// <summary>Points earned per whole unit of <see cref="Currency"/> settled (fractions of a point are not earned).</summary>
    public decimal PointsPerUnit { get; set; } = 1m;

    /// <summary>What one point is worth when redeemed, in minor units of <see cref="Currency"/>.</summary>
    public long PointValue { get; set; } = 1;

    /// <summary>At most this share of a checkout's total can be paid with points, in percent.</summary>
    public int MaxRedeemPercent { get; set; } = 50;
}

/// <summary>Points to redeem on a checkout and the discount they give, in the checkout's currency.</summary>
[GenerateSerializer, Immutable, Alias("points-redemption-v1")]
public sealed record PointsRedemption([property: Id(0)] long Points, [property: Id(1)] long Discount);

public static class LoyaltyRules
{
    /// <summary>Points a settled payment of <paramref name="amount"/> minor units of <paramref name="currency"/> earns; 0 without a rate.</summary>
    public static long Earned(long amount, string currency, LoyaltySettings settings, ExchangeRates rates)
    {
        if (amount <= 0 || !rates.TryConvert(amount, currency, settings.Currency, out var counted))
        {
            return 0;
        }
        var units = counted / Pow10(Currencies.MinorUnits(settings.Currency));
        return (long)decimal.Floor(units * settings.PointsPerUnit);
    }

    /// <summary>What <paramref name="points"/> are worth in minor units of <paramref name="currency"/> (rounded half away from zero); null without a rate.</summary>
    public static long? Worth(long points, string currency, LoyaltySettings settings, ExchangeRates rates)
    {
        if (points < 0 || points > Amounts.Max / Math.Max(settings.PointValue, 1))
        {
            return null;
        }
        return rates.TryConvert(points * settings.PointValue, settings.Currency, currency, out var worth) ? worth : null;
    }

    /// <summary>
    /// The most points a checkout of <paramref name="total"/> can take: no more than the balance, and no more than
    /// <see cref="LoyaltySettings.MaxRedeemPercent"/> of the total (so a card always pays the rest).
    /// </summary>
    public static long MaxRedeemable(long balance, long total, string currency, LoyaltySettings settings, ExchangeRates rates)
    {
        var cap = total * Math.Clamp(settings.MaxRedeemPercent, 0, 99) / 100;
        long low = 0, high = Math.Max(balance, 0);
        // The worth of points rises with their number, so the largest that fits is found by halving.
        while (low < high)
        {
            var middle = low + (high - low + 1) / 2;
            if (Worth(middle, currency, settings, rates) is { } worth && worth <= cap)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return low;
    }

    /// <summary>
    /// Redeems <paramref name="requested"/> points on a checkout: null when the customer has fewer, or more are asked
    /// than the checkout can take (<see cref="MaxRedeemable"/>).
    /// </summary>
    public static PointsRedemption? Redeem(long balance, long requested, long total, string currency, LoyaltySettings settings, ExchangeRates rates) =>
        requested <= 0 || requested > MaxRedeemable(balance, total, currency, settings, rates)
            ? null
            : new PointsRedemption(requested, Worth(requested, currency, settings, rates)!.Value);

    private static decimal Pow10(int exponent) => exponent switch
    {
        0 => 1m,
        _ => 10m * Pow10(exponent - 1),
    };
}
