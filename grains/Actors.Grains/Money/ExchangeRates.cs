using System.Collections.Frozen;
using System.Numerics;

namespace Actors.Grains.Money;

/// <summary>
/// A table of exchange rates against one common base currency, and conversion of minor-unit amounts between any two
/// currencies in it. Conversion rounds half away from zero, once, at the end,
/// in exact integer arithmetic.
/// </summary>
public sealed class ExchangeRates
{
    private readonly FrozenDictionary<string, decimal> unitsPerBase;

    /// <param name="unitsPerBase">
    /// For each ISO-4217 code, how many major units of it equal one major unit of the base currency
    /// (1.0842 for USD when the base is EUR). Codes are matched in any case.
    /// </param>
    /// <exception cref="ArgumentException">A code is not a current ISO-4217 currency, appears twice, or has a rate of zero or less.</exception>
    public ExchangeRates(IReadOnlyDictionary<string, decimal> unitsPerBase)
    {
        ArgumentNullException.ThrowIfNull(unitsPerBase);
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (code, rate) in unitsPerBase)
        {
            if (!Currencies.TryNormalize(code, out var normalized))
            {
                throw new ArgumentException($"'{code}' is not an ISO-4217 currency code.", nameof(unitsPerBase));
            }
            if (rate <= 0)
            {
                throw new ArgumentException($"The rate for {normalized} must be greater than zero, not {rate}.", nameof(unitsPerBase));
            }
            if (!rates.TryAdd(normalized, rate))
            {
                throw new ArgumentException($"{normalized} is given more than once.", nameof(unitsPerBase));
            }
        }
        this.unitsPerBase = rates.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Whether the table has a rate for <paramref name="currency"/> (an ISO-4217 code, in any case).</summary>
    public bool Knows(string currency) =>
        Currencies.TryNormalize(currency, out var code) && unitsPerBase.ContainsKey(code);

    /// <summary>
    /// Converts <paramref name="amount"/> minor units of <paramref name="from"/> into minor units of <paramref name="to"/>,
    /// minding each currency's minor-unit exponent, rounding half away from zero once at the end.
    /// The same currency converts to itself whether or not the table knows it.
    /// </summary>
    /// <returns>
    /// False when either code is not an ISO-4217 currency, a rate is missing, <paramref name="amount"/> is negative or above
    /// <see cref="Amounts.Max"/>, or the result would be above <see cref="Amounts.Max"/>.
    /// </returns>
    public bool TryConvert(long amount, string from, string to, out long converted)
    {
        converted = 0;
        if (amount is < 0 or > Amounts.Max
            || !Currencies.TryNormalize(from, out var fromCode)
            || !Currencies.TryNormalize(to, out var toCode))
        {
            return false;
        }
        if (fromCode == toCode)
        {
            converted = amount;
            return true;
        }
        if (!unitsPerBase.TryGetValue(fromCode, out var fromRate) || !unitsPerBase.TryGetValue(toCode, out var toRate))
        {
            return false;
        }

        // minor(from) → major(from) → base → major(to) → minor(to) as one exact fraction of integers, rounded once.
        // Dividing in decimal would round to 28 digits first: a value a hair under a half could become a half and
        // gain a minor unit, and a large amount at a long rate could overflow although the result fits.
        var (fromUnits, fromScale) = UnitsAndScale(fromRate);
        var (toUnits, toScale) = UnitsAndScale(toRate);
        var numerator = amount * toUnits * BigInteger.Pow(10, Currencies.MinorUnits(toCode) + fromScale);
        var denominator = fromUnits * BigInteger.Pow(10, Currencies.MinorUnits(fromCode) + toScale);
        var whole = BigInteger.DivRem(numerator, denominator, out var remainder);
        var rounded = remainder * 2 >= denominator ? whole + 1 : whole;
        if (rounded > Amounts.Max)
        {
            return false;
        }
        converted = (long)rounded;
        return true;
    }

    /// <summary>A positive decimal as a whole number of units of 10^-scale.</summary>
    private static (BigInteger Units, int Scale) UnitsAndScale(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var units = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        return (units, value.Scale);
    }
}
