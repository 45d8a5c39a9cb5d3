namespace Actors.Grains.Money;

/// <summary>Bounds on money amounts, which are always <see cref="long"/> minor units.</summary>
public static class Amounts
{
    /// <summary>
    /// The largest amount or cap accepted anywhere (10^15 minor units). Far below <see cref="long.MaxValue"/>, so thousands
    /// of such amounts still sum without overflow, and well inside the 28 significant digits of a decimal conversion.
    /// </summary>
    public const long Max = 1_000_000_000_000_000;
}
