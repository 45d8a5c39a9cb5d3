using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Customers;
using Actors.Grains.Sessions;
using OtpNet;

namespace Actors.Grains.StepUp;

/// <summary>
/// The one rule of sensitive changes: a customer makes them only from a device that stepped up within
/// <see cref="StepUpSettings.FreshFor"/>; staff acting on the customer need none. Pure: time is a parameter.
/// </summary>
public static class StepUpRules
{
    public const int CodeDigits = 6;

    /// <summary>TOTP codes of the step before and after the current one count too, for clocks that drift.</summary>
    private static readonly VerificationWindow TotpWindow = new(previous: 1, future: 1);

    /// <summary>Whether <paramref name="deviceId"/> stepped up within <paramref name="freshFor"/> before <paramref name="now"/>.</summary>
    public static bool IsFresh(AccountStepUpState stepUp, string? deviceId, DateTimeOffset now, TimeSpan freshFor) =>
        deviceId is not null && stepUp.VerifiedAt.TryGetValue(deviceId, out var at) && at <= now && now < at + freshFor;

    /// <summary>
    /// What a sensitive change by <paramref name="caller"/> needs now. Only a customer's own call is checked: an
    /// operator's (or a call from inside the cluster) carries no <see cref="Caller.ByCustomer"/>.
    /// </summary>
    public static StepUpStanding Standing(CustomerState state, Caller? caller, DateTimeOffset now, TimeSpan freshFor) =>
        caller is not { ByCustomer: true } || IsFresh(state.StepUp, caller.DeviceId, now, freshFor)
            ? StepUpStanding.Satisfied
            : new StepUpStanding(state.StepUp.Method);

    /// <summary>The time step <paramref name="code"/> belongs to for <paramref name="secret"/> at <paramref name="now"/> (one step either side); null when it is none.</summary>
    public static long? TotpStep(string secret, string code, DateTimeOffset now)
    {
        if (!IsCodeShaped(code))
        {
            return null;
        }
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, TotpWindow) ? step : null;
    }

    /// <summary>The URI an authenticator app takes (as a QR code or typed in) for <paramref name="secret"/>.</summary>
    public static string OtpauthUri(string secret, string account) =>
        new OtpUri(OtpType.Totp, secret, account, "Actors").ToString();

    /// <summary>A new random 160-bit TOTP secret, base32.</summary>
    public static string NewTotpSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>A new random one-time code of <see cref="CodeDigits"/> digits.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>What is kept of a one-time code: a hash bound to the device and expiry it was issued for.</summary>
    public static string HashCode(string code, string deviceId, DateTimeOffset expiresAt) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{deviceId}\0{expiresAt.UtcTicks}\0{code}")));

    /// <summary>Whether <paramref name="code"/> is the open one-time code, unexpired at <paramref name="now"/>, asked for by <paramref name="deviceId"/>.</summary>
    public static bool MatchesOpenCode(OneTimeCode? open, string code, string deviceId, DateTimeOffset now) =>
        open is not null && IsCodeShaped(code) && open.DeviceId == deviceId && now < open.ExpiresAt
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(open.Hash), Encoding.ASCII.GetBytes(HashCode(code, deviceId, open.ExpiresAt)));

    private static bool IsCodeShaped(string code) => code.Length == CodeDigits && code.All(char.IsAsciiDigit);
}
