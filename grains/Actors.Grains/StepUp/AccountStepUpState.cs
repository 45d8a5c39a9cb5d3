using System.Collections.Immutable;
using Actors.Grains.Payments;

namespace Actors.Grains.StepUp;

/// <summary>
/// How a customer proves it is them before a sensitive change: an authenticator app (TOTP) once enrolled, otherwise a
/// one-time code sent to them. Not the bank's challenge at payment confirm (see <see cref="StepUpFailures"/> there);
/// this is the platform's own check of the customer.
/// </summary>
public static class StepUpMethods
{
    public const string Totp = "totp";
    public const string Code = "code";
}

/// <summary>A one-time code sent to the customer: only its hash is kept, with its expiry and the device it was asked for.</summary>
[GenerateSerializer, Immutable, Alias("one-time-code-v1")]
public sealed record OneTimeCode(
    [property: Id(0)] string Hash,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] string DeviceId);

/// <summary>
/// The customer's step-up as its journal leaves it: the TOTP secret (pending until its first correct code, then
/// active), the last TOTP time step used (a code is never accepted twice), the open one-time code, when each device
/// last stepped up, and the recent wrong codes that lock step-up out.
/// </summary>
[GenerateSerializer, Immutable, Alias("account-step-up-state-v1")]
public sealed record AccountStepUpState
{
    /// <summary>How many devices' step-ups are remembered; an older one is stale long before this many others step up.</summary>
    public const int DevicesKept = 8;

    [Id(0)] public string? PendingTotpSecret { get; init; }
    [Id(1)] public string? TotpSecret { get; init; }
    [Id(2)] public long LastTotpStep { get; init; } = -1;
    [Id(3)] public OneTimeCode? OpenCode { get; init; }
    [Id(4)] public ImmutableDictionary<string, DateTimeOffset> VerifiedAt { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;
    [Id(5)] public StepUpFailures WrongCodes { get; init; } = StepUpFailures.None;

    public static AccountStepUpState None { get; } = new();

    /// <summary>The method this customer steps up with.</summary>
    public string Method => TotpSecret is null ? StepUpMethods.Code : StepUpMethods.Totp;

    public AccountStepUpState Verified(string deviceId, DateTimeOffset at)
    {
        var verified = VerifiedAt.SetItem(deviceId, at);
        if (verified.Count > DevicesKept)
        {
            verified = verified.Remove(verified.MinBy(entry => entry.Value).Key);
        }
        return this with { VerifiedAt = verified };
    }
}

/// <summary>
/// What a sensitive change needs from its caller at the moment of deciding: nothing (<see cref="Satisfied"/>: a fresh
/// step-up from the calling device, or staff acting on the customer), or a step-up with <see cref="Required"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("step-up-standing-v1")]
public sealed record StepUpStanding([property: Id(0)] string? Required)
{
    public static StepUpStanding Satisfied { get; } = new((string?)null);

    public bool IsSatisfied => Required is null;
}
