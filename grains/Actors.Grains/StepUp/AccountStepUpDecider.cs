using Actors.Grains.Customers;
using Actors.Grains.Journal;

namespace Actors.Grains.StepUp;

/// <summary>Enrolling an authenticator app, asking for a step-up and checking its code, as decisions over the customer's state.</summary>
public static class AccountStepUpDecider
{
    /// <summary>
    /// Starts enrolling an authenticator app with <paramref name="secret"/>. It needs a fresh step-up (by code before
    /// the first app): otherwise whoever holds a stolen session could enrol an app of their own and step up with it.
    /// </summary>
    public static Decision<AccountStepUpResult> StartTotp(CustomerState state, string secret, StepUpStanding standing, DateTimeOffset now)
    {
        if (state.Profile is not { } profile)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.CustomerNotFound());
        }
        if (standing.Required is { } method)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.StepUpRequired(method));
        }
        return Decision.Emit<AccountStepUpResult>(
            new AccountStepUpResult.TotpEnrolment(secret, StepUpRules.OtpauthUri(secret, profile.CustomerId)),
            new TotpEnrolmentStarted(secret) { At = now });
    }

    /// <summary>Activates the app being enrolled with its first correct code, which also steps the calling device up.</summary>
    public static Decision<AccountStepUpResult> ConfirmTotp(CustomerState state, string deviceId, string code, DateTimeOffset now, TimeSpan freshFor)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.CustomerNotFound());
        }
        if (state.StepUp.WrongCodes.LockedUntil(now) is { } until)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.Locked(until));
        }
        if (state.StepUp.PendingTotpSecret is not { } secret)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.NoEnrolment());
        }
        return StepUpRules.TotpStep(secret, code, now) is { } step
            ? Decision.Emit<AccountStepUpResult>(new AccountStepUpResult.Verified(StepUpMethods.Totp, now + freshFor),
                new TotpEnrolmentConfirmed { At = now }, new AccountStepUpVerified(deviceId, StepUpMethods.Totp, step) { At = now })
            : Rejected(state.StepUp, deviceId, StepUpMethods.Totp, now);
    }

    /// <summary>
    /// Asks the calling device to step up: with the authenticator app when one is enrolled, otherwise by sending it
    /// <paramref name="code"/> (the grain sends it once this is durable). A new code replaces any earlier one.
    /// </summary>
    public static Decision<AccountStepUpResult> Challenge(CustomerState state, string deviceId, string code, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.CustomerNotFound());
        }
        if (state.StepUp.WrongCodes.LockedUntil(now) is { } until)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.Locked(until));
        }
        if (state.StepUp.Method == StepUpMethods.Totp)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.Challenged(StepUpMethods.Totp, null));
        }
        var expiresAt = now + StepUpSettings.CodeLifetime;
        return Decision.Emit<AccountStepUpResult>(new AccountStepUpResult.Challenged(StepUpMethods.Code, expiresAt),
            new OneTimeCodeIssued(new OneTimeCode(StepUpRules.HashCode(code, deviceId, expiresAt), expiresAt, deviceId)) { At = now });
    }

    /// <summary>
    /// Checks <paramref name="code"/> (an app's, never the same time step twice; or the open one-time code, once); a
    /// right one makes the calling device fresh for <paramref name="freshFor"/>, a wrong one counts towards lock-out.
    /// </summary>
    public static Decision<AccountStepUpResult> Verify(CustomerState state, string deviceId, string code, DateTimeOffset now, TimeSpan freshFor)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.CustomerNotFound());
        }
        var stepUp = state.StepUp;
        if (stepUp.WrongCodes.LockedUntil(now) is { } until)
        {
            return Decision.Answer<AccountStepUpResult>(new AccountStepUpResult.Locked(until));
        }
        var verified = new AccountStepUpResult.Verified(stepUp.Method, now + freshFor);
        if (stepUp.TotpSecret is { } secret)
        {
            return StepUpRules.TotpStep(secret, code, now) is { } step && step > stepUp.LastTotpStep
                ? Decision.Emit<AccountStepUpResult>(verified, new AccountStepUpVerified(deviceId, StepUpMethods.Totp, step) { At = now })
                : Rejected(stepUp, deviceId, StepUpMethods.Totp, now);
        }
        return StepUpRules.MatchesOpenCode(stepUp.OpenCode, code, deviceId, now)
            ? Decision.Emit<AccountStepUpResult>(verified, new AccountStepUpVerified(deviceId, StepUpMethods.Code, null) { At = now })
            : Rejected(stepUp, deviceId, StepUpMethods.Code, now);
    }

    /// <summary>A wrong code counts; the one that reaches the limit answers the lock-out at once.</summary>
    private static Decision<AccountStepUpResult> Rejected(AccountStepUpState stepUp, string deviceId, string method, DateTimeOffset now) =>
        Decision.Emit<AccountStepUpResult>(
            stepUp.WrongCodes.With(now).LockedUntil(now) is { } until ? new AccountStepUpResult.Locked(until) : new AccountStepUpResult.WrongCode(method),
            new AccountStepUpCodeRejected(deviceId) { At = now });
}
