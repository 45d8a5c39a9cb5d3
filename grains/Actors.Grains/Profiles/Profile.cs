namespace Actors.Grains.Profiles;

/// <summary>The customer's unified omnichannel profile. <see cref="Version"/> rises by one on every change.</summary>
[GenerateSerializer, Immutable, Alias("profile-v1")]
public sealed record Profile(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string PreferredLanguage,
    [property: Id(5)] string HomeCurrency,
    [property: Id(6)] string TimeZone,
    [property: Id(7)] long Version,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt);

/// <summary>The persisted profile concern of a customer; <see cref="Profile"/> is null until the customer is created.</summary>
[GenerateSerializer, Immutable, Alias("profile-state-v1")]
public sealed record ProfileState
{
    [Id(0)] public Profile? Profile { get; init; }
}

/// <summary>What a new customer is created with. Email, phone and language are optional (language defaults to <c>en</c>).</summary>
[GenerateSerializer, Immutable, Alias("profile-draft-v1")]
public sealed record ProfileDraft(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? Phone,
    [property: Id(3)] string? PreferredLanguage,
    [property: Id(4)] string? HomeCurrency,
    [property: Id(5)] string? TimeZone);

/// <summary>A new value for one field; a null <see cref="Value"/> clears an optional field.</summary>
[GenerateSerializer, Immutable, Alias("patch-value-v1")]
public sealed record PatchValue([property: Id(0)] string? Value);

/// <summary>A merge-patch of the profile: a null member leaves that field as it is.</summary>
[GenerateSerializer, Immutable, Alias("profile-patch-v1")]
public sealed record ProfilePatch
{
    [Id(0)] public PatchValue? DisplayName { get; init; }
    [Id(1)] public PatchValue? Email { get; init; }
    [Id(2)] public PatchValue? Phone { get; init; }
    [Id(3)] public PatchValue? PreferredLanguage { get; init; }
    [Id(4)] public PatchValue? HomeCurrency { get; init; }
    [Id(5)] public PatchValue? TimeZone { get; init; }
}

/// <summary>The outcome of a profile operation: errors a caller can cause are values, not exceptions.</summary>
[GenerateSerializer, Immutable, Alias("profile-result")]
public abstract record ProfileResult
{
    [GenerateSerializer, Immutable, Alias("profile-result-found")]
    public sealed record Found([property: Id(0)] Profile Profile) : ProfileResult;

    [GenerateSerializer, Immutable, Alias("profile-result-not-found")]
    public sealed record NotFound : ProfileResult;

    [GenerateSerializer, Immutable, Alias("profile-result-already-exists")]
    public sealed record AlreadyExists([property: Id(0)] Profile Profile) : ProfileResult;

    /// <summary>The caller's expected version is stale; <see cref="Current"/> is what it should have started from.</summary>
    [GenerateSerializer, Immutable, Alias("profile-result-version-mismatch")]
    public sealed record VersionMismatch([property: Id(0)] Profile Current) : ProfileResult;

    /// <summary>Another customer holds this email or phone; the profile is unchanged.</summary>
    [GenerateSerializer, Immutable, Alias("profile-result-identity-taken")]
    public sealed record IdentityTaken([property: Id(0)] Identity.Identifier Identifier) : ProfileResult;

    /// <summary>Changing the email or phone needs a fresh step-up by <see cref="Method"/>; the profile is unchanged.</summary>
    [GenerateSerializer, Immutable, Alias("profile-result-step-up-required")]
    public sealed record StepUpRequired([property: Id(0)] string Method) : ProfileResult;

    /// <summary>Field errors keyed by the field's JSON name.</summary>
    [GenerateSerializer, Immutable, Alias("profile-result-invalid")]
    public sealed record Invalid([property: Id(0)] IReadOnlyDictionary<string, string[]> Errors) : ProfileResult;
}
