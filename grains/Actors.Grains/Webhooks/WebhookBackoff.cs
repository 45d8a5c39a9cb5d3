namespace Actors.Grains.Webhooks;

/// <summary>
/// When a failed delivery is tried again: exponential in the attempts made, capped, with "equal jitter" (half the delay
/// fixed, half random) so receivers coming back from an outage are not hit by every sender at once.
/// </summary>
public static class WebhookBackoff
{
    /// <param name="attempts">The attempts made so far (1 after the first failure).</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Delay(int attempts, TimeSpan first, TimeSpan max, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        // 2^30 times any sensible first delay is past any cap; stop doubling there so nothing overflows.
        var exponential = first.Ticks * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, max.Ticks);
        return TimeSpan.FromTicks((long)(capped / 2 + capped / 2 * Math.Clamp(random, 0, 1)));
    }
}
