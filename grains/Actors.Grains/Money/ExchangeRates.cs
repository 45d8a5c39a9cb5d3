using System.Collections.Frozen;

namespace Actors.Grains.Money;

/// <summary>
/// A table of exchange rates against one common base currency, and conversion of minor-unit amounts between any two
/// currencies in it. Conversion rounds half away from zero, once, at the end.
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

        try
        {
            // Multiply first and divide once: a single rounding step in the division keeps the error far below the final
            // rounding to a whole minor unit, so exact midpoints stay exact.
            var numerator = amount * toRate * PowerOfTen(Currencies.MinorUnits(toCode));
            var denominator = fromRate * PowerOfTen(Currencies.MinorUnits(fromCode));
            var result = Math.Round(numerator / denominator, MidpointRounding.AwayFromZero);
            if (result > Amounts.Max)
            {
                return false;
            }
            converted = (long)result;
            return true;
        }
        catch (OverflowException)
        {
            // Only rates far outside any real currency's range push an intermediate past decimal's 7.9 * 10^28.
            return false;
        }
    }

    private static decimal PowerOfTen(int exponent)
    {
        var power = 1m;
        for (var i = 0; i < exponent; i++)
        {
            power *= 10;
        }
        return power;
    }
}
