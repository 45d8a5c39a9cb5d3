namespace Actors.Grains.StepUp;

/// <summary>What a step-up request came to.</summary>
[GenerateSerializer, Immutable]
public abstract record AccountStepUpResult
{
    /// <summary>An authenticator app may now be set up with <see cref="Secret"/> (base32); it counts once confirmed.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-totp-enrolment")]
    public sealed record TotpEnrolment([property: Id(0)] string Secret, [property: Id(1)] string OtpauthUri) : AccountStepUpResult;

    /// <summary>Asked for a step-up: with a code sent (<see cref="ExpiresAt"/>), or with the authenticator app.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-challenged")]
    public sealed record Challenged([property: Id(0)] string Method, [property: Id(1)] DateTimeOffset? ExpiresAt) : AccountStepUpResult;

    /// <summary>The calling device stepped up; sensitive changes from it are allowed until <see cref="Until"/>.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-verified")]
    public sealed record Verified([property: Id(0)] string Method, [property: Id(1)] DateTimeOffset Until) : AccountStepUpResult;

    /// <summary>The code was wrong, expired, already used or asked for by another device.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-wrong-code")]
    public sealed record WrongCode([property: Id(0)] string Method) : AccountStepUpResult;

    /// <summary>Too many wrong codes: no code is checked (nor sent) until <see cref="Until"/>.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-locked")]
    public sealed record Locked([property: Id(0)] DateTimeOffset Until) : AccountStepUpResult;

    /// <summary>Confirming an authenticator app that was never set up.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-no-enrolment")]
    public sealed record NoEnrolment : AccountStepUpResult;

    /// <summary>Replacing an enrolled authenticator app is itself a sensitive change.</summary>
    [GenerateSerializer, Immutable, Alias("account-step-up-result-step-up-required")]
    public sealed record StepUpRequired([property: Id(0)] string Method) : AccountStepUpResult;

    [GenerateSerializer, Immutable, Alias("account-step-up-result-customer-not-found")]
    public sealed record CustomerNotFound : AccountStepUpResult;
}
