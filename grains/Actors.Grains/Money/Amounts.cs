namespace Actors.Grains.Money;

/// <summary>Bounds on money amounts, which are always <see cref="long"/> minor units.</summary>
public static class Amounts
{
    /// <summary>
    /// The largest amount or cap accepted anywhere (10^15 minor units). Far below <see cref="long.MaxValue"/>, so thousands
    /// of such amounts still sum without overflow, and well inside the 28 significant digits of a decimal conversion.
    /// </summary>
    public const long Max = 1_000_000_000_000_000;

    /// <summary>An amount as people write it, in major units with the currency's code: <c>12.34 EUR</c>, <c>1234 JPY</c>.</summary>
    public static string Format(long amount, string currency)
    {
        var exponent = Currencies.MinorUnits(currency);
        var major = (decimal)amount;
        for (var i = 0; i < exponent; i++)
        {
            major /= 10;
        }
        return $"{major.ToString($"F{exponent}", System.Globalization.CultureInfo.InvariantCulture)} {currency}";
    }
}
