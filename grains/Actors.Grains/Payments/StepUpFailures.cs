using System.Collections.Immutable;

namespace Actors.Grains.Payments;

/// <summary>
/// The customer's latest wrong step-up codes, across payments. Each payment allows a few tries, but a new checkout
/// brings new ones; this bounds them per customer: <see cref="MaxWrongCodes"/> wrong codes within
/// <see cref="Window"/> lock code entry for <see cref="LockFor"/> after the last of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("step-up-failures-v1")]
public sealed record StepUpFailures([property: Id(0)] ImmutableList<DateTimeOffset> Recent)
{
    public const int MaxWrongCodes = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    public static StepUpFailures None { get; } = new([]);

    /// <summary>Keeps only as many as the rule looks at.</summary>
    public StepUpFailures With(DateTimeOffset at)
    {
        var recent = Recent.Add(at);
        return new(recent.Count > MaxWrongCodes ? recent.RemoveRange(0, recent.Count - MaxWrongCodes) : recent);
    }

    /// <summary>Until when code entry is locked at <paramref name="now"/>; null when it is not.</summary>
    public DateTimeOffset? LockedUntil(DateTimeOffset now)
    {
        if (Recent.Count < MaxWrongCodes || Recent[^1] - Recent[^MaxWrongCodes] > Window)
        {
            return null;
        }
        var until = Recent[^1] + LockFor;
        return until > now ? until : null;
    }

    /// <summary>
    /// Whether <paramref name="change"/> of <paramref name="before"/> (a payment waiting for its code) says a code was
    /// wrong: fewer tries left, or declined for failed authentication after the last try.
    /// </summary>
    public static bool IsWrongCode(Payment? before, PaymentStepUpRequested? stepUp, PaymentDeclined? declined) =>
        before is { Status: PaymentStatus.RequiresAction } waiting
        && (stepUp is { TriesLeft: { } left } && waiting.StepUpTriesLeft is { } had && left < had
            || declined is { Reason: AuthenticationFailed });

    /// <summary>The gateway's decline reason after the last wrong code.</summary>
    public const string AuthenticationFailed = "authentication_failed";
}
