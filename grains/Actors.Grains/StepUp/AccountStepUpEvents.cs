using Actors.Grains.Journal;

namespace Actors.Grains.StepUp;

/// <summary>The customer asked to enrol an authenticator app; the secret counts once a first code from it is right.</summary>
[GenerateSerializer, Immutable, Alias("totp-enrolment-started-v1")]
public sealed record TotpEnrolmentStarted([property: Id(0)] string Secret) : JournalEvent;

/// <summary>The first correct code from the app: from now on the customer steps up with it.</summary>
[GenerateSerializer, Immutable, Alias("totp-enrolment-confirmed-v1")]
public sealed record TotpEnrolmentConfirmed : JournalEvent;

/// <summary>A one-time code was sent for <see cref="OneTimeCode.DeviceId"/>; only its hash is kept.</summary>
[GenerateSerializer, Immutable, Alias("one-time-code-issued-v1")]
public sealed record OneTimeCodeIssued([property: Id(0)] OneTimeCode Code) : JournalEvent;

/// <summary>The device stepped up with <see cref="Method"/>; a TOTP step-up records its time step so the code is not used again.</summary>
[GenerateSerializer, Immutable, Alias("account-step-up-verified-v1")]
public sealed record AccountStepUpVerified(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Method,
    [property: Id(2)] long? TotpStep) : JournalEvent;

/// <summary>A wrong step-up code from the device; enough of them lock step-up out for a while.</summary>
[GenerateSerializer, Immutable, Alias("account-step-up-code-rejected-v1")]
public sealed record AccountStepUpCodeRejected([property: Id(0)] string DeviceId) : JournalEvent;
