using System.Collections.Immutable;

namespace Actors.Grains.Consent;

/// <summary>One decision of the customer about one purpose: what, under which policy, when, and from where.</summary>
[GenerateSerializer, Immutable, Alias("consent-decision-v1")]
public sealed record ConsentDecision(
    [property: Id(0)] ConsentPurpose Purpose,
    [property: Id(1)] bool Granted,
    [property: Id(2)] string PolicyVersion,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Channel,
    [property: Id(5)] string? DeviceId);

/// <summary>
/// The customer's latest decision per purpose; a purpose without one is denied. Only the current decisions live here
/// (four at most), so state stays bounded; the history is the journal's.
/// </summary>
[GenerateSerializer, Immutable, Alias("consent-state-v1")]
public sealed record ConsentState
{
    [Id(0)] public ImmutableDictionary<ConsentPurpose, ConsentDecision> Latest { get; init; } = ImmutableDictionary<ConsentPurpose, ConsentDecision>.Empty;

    /// <summary>Nothing decided: every purpose denied.</summary>
    public static ConsentState None { get; } = new();

    public ConsentDecision? LatestFor(ConsentPurpose purpose) => Latest.GetValueOrDefault(purpose);

    public ConsentState With(ConsentDecision decision) => this with { Latest = Latest.SetItem(decision.Purpose, decision) };
}

/// <summary>What a client asks for: a decision about one purpose. Both members are required; they are checked by <see cref="ConsentRules"/>.</summary>
[GenerateSerializer, Immutable, Alias("consent-draft-v1")]
public sealed record ConsentDraft([property: Id(0)] bool? Granted, [property: Id(1)] string? PolicyVersion);

[GenerateSerializer, Immutable, Alias("consent-result")]
public abstract record ConsentResult
{
    /// <summary>The current consents; <see cref="History"/> (every change, newest first) only when it was asked for.</summary>
    [GenerateSerializer, Immutable, Alias("consent-result-current")]
    public sealed record Current([property: Id(0)] ConsentState Consents, [property: Id(1)] ImmutableList<ConsentDecision>? History) : ConsentResult;

    [GenerateSerializer, Immutable, Alias("consent-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : ConsentResult;

    [GenerateSerializer, Immutable, Alias("consent-result-unknown-purpose")]
    public sealed record UnknownPurpose : ConsentResult;

    [GenerateSerializer, Immutable, Alias("consent-result-customer-not-found")]
    public sealed record CustomerNotFound : ConsentResult;
}
