namespace Actors.Grains.Money;

public static class Amounts
{
    /// <summary>
    /// The largest amount or cap accepted anywhere, in minor units (10^15: ten trillion euros). Sums of a bounded
    /// number of such amounts cannot overflow a long, and anything larger is a mistake, not a payment.
    /// </summary>
    public const long Max = 1_000_000_000_000_000;
}
