namespace Actors.Grains.Money;

/// <summary>
/// Converts amounts between currencies with a configured table of rates against a common base. Rounds half away
/// from zero, once, on the final minor unit, in decimal arithmetic.
/// </summary>
public sealed class ExchangeRates
{
    private readonly Dictionary<string, decimal> unitsPerBase;

    /// <param name="unitsPerBase">For each ISO-4217 code, how many major units of it buy one unit of the base (EUR 1, USD 1.08, JPY 162).</param>
    public ExchangeRates(IReadOnlyDictionary<string, decimal> unitsPerBase)
    {
        this.unitsPerBase = new(StringComparer.Ordinal);
        foreach (var (code, rate) in unitsPerBase)
        {
            if (!Currencies.TryNormalize(code, out var normalized))
            {
                throw new ArgumentException($"'{code}' is not an ISO-4217 currency code.", nameof(unitsPerBase));
            }
            if (rate <= 0)
            {
                throw new ArgumentException($"The rate for {normalized} must be positive.", nameof(unitsPerBase));
            }
            this.unitsPerBase[normalized] = rate;
        }
    }

    /// <summary>Whether amounts in <paramref name="currency"/> can be converted at all.</summary>
    public bool Knows(string currency) => unitsPerBase.ContainsKey(currency);

    /// <summary>
    /// <paramref name="amount"/> minor units of <paramref name="from"/> in minor units of <paramref name="to"/>.
    /// False when a rate is missing, the amount is negative, or the result exceeds <see cref="Amounts.Max"/>.
    /// </summary>
    public bool TryConvert(long amount, string from, string to, out long converted)
    {
        converted = 0;
        if (amount < 0)
        {
            return false;
        }
        if (from == to)
        {
            converted = amount;
            return true;
        }
        if (!unitsPerBase.TryGetValue(from, out var fromRate) || !unitsPerBase.TryGetValue(to, out var toRate))
        {
            return false;
        }

        try
        {
            // minor(from) → major(from) → base → major(to) → minor(to); divide last to keep the most precision.
            var numerator = amount * toRate * Pow10(Currencies.MinorUnits(to));
            var denominator = fromRate * Pow10(Currencies.MinorUnits(from));
            var exact = Math.Round(numerator / denominator, MidpointRounding.AwayFromZero);
            if (exact > Amounts.Max)
            {
                return false;
            }
            converted = (long)exact;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static decimal Pow10(int exponent) => exponent switch
    {
        0 => 1m,
        1 => 10m,
        2 => 100m,
        3 => 1_000m,
        4 => 10_000m,
        _ => throw new ArgumentOutOfRangeException(nameof(exponent)),
    };
}
