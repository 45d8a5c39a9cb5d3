using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Profiles;

namespace Actors.Grains.Identity;

/// <summary>
/// Which identifiers a customer's decision claims and releases: pure, over the customer's state. The customer grain
/// makes the identity grains agree before and after it commits them (see <c>CustomerGrain.Identities.cs</c>).
/// </summary>
public static class IdentityDecider
{
    /// <summary>Claims a loyalty card or device for the customer; holding it already appends nothing.</summary>
    public static Decision<IdentityResult> Claim(CustomerState state, Identifier identifier, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<IdentityResult>(new IdentityResult.CustomerNotFound());
        }
        if (IdentityKinds.IsProfileField(identifier.Kind))
        {
            return Decision.Answer<IdentityResult>(new IdentityResult.ProfileField(identifier));
        }
        return state.Identities.Contains(identifier.Key)
            ? Decision.Answer<IdentityResult>(new IdentityResult.Held(identifier, Added: false))
            : Decision.Emit<IdentityResult>(new IdentityResult.Held(identifier, Added: true), new IdentityClaimed(identifier) { At = now });
    }

    /// <summary>Releases a loyalty card or device the customer holds; email and phone go by changing the profile.</summary>
    public static Decision<IdentityResult> Release(CustomerState state, Identifier identifier, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<IdentityResult>(new IdentityResult.CustomerNotFound());
        }
        if (IdentityKinds.IsProfileField(identifier.Kind))
        {
            return Decision.Answer<IdentityResult>(new IdentityResult.ProfileField(identifier));
        }
        return state.Identities.Contains(identifier.Key)
            ? Decision.Emit<IdentityResult>(new IdentityResult.Released(identifier), new IdentityReleased(identifier) { At = now })
            : Decision.Answer<IdentityResult>(new IdentityResult.NotHeld(identifier));
    }

    /// <summary>Releases everything the customer holds: what erasure and the losing side of a merge append.</summary>
    public static IReadOnlyList<JournalEvent> ReleaseAll(CustomerState state, DateTimeOffset now) =>
        [.. state.Identities.Select(key => new IdentityReleased(Identifier.Parse(key)) { At = now })];

    /// <summary>
    /// What a profile change claims and releases: the email and phone it newly names, and the ones it no longer
    /// names. Identifiers are compared normalized, so re-casing an email claims nothing.
    /// </summary>
    public static IReadOnlyList<JournalEvent> ProfileChanges(CustomerState state, Profile? before, Profile after, DateTimeOffset now)
    {
        var changes = new List<JournalEvent>();
        foreach (var kind in (string[])[IdentityKinds.Email, IdentityKinds.Phone])
        {
            var old = before is null ? null : IdentityRules.OfProfileField(kind, FieldOf(before, kind));
            var next = IdentityRules.OfProfileField(kind, FieldOf(after, kind));
            if (old == next)
            {
                continue;
            }
            if (old is not null && state.Identities.Contains(old.Key))
            {
                changes.Add(new IdentityReleased(old) { At = now });
            }
            if (next is not null && !state.Identities.Contains(next.Key))
            {
                changes.Add(new IdentityClaimed(next) { At = now });
            }
        }
        return changes;
    }

    private static string? FieldOf(Profile profile, string kind) => kind == IdentityKinds.Email ? profile.Email : profile.Phone;
}

/// <summary>The outcome of claiming or releasing an identifier: errors a caller can cause are values.</summary>
[GenerateSerializer, Immutable, Alias("identity-result")]
public abstract record IdentityResult
{
    /// <summary>The customer holds it; <see cref="Added"/> when this request claimed it.</summary>
    [GenerateSerializer, Immutable, Alias("identity-result-held")]
    public sealed record Held([property: Id(0)] Identifier Identifier, [property: Id(1)] bool Added) : IdentityResult;

    [GenerateSerializer, Immutable, Alias("identity-result-released")]
    public sealed record Released([property: Id(0)] Identifier Identifier) : IdentityResult;

    /// <summary>Another customer holds it.</summary>
    [GenerateSerializer, Immutable, Alias("identity-result-taken")]
    public sealed record Taken([property: Id(0)] Identifier Identifier) : IdentityResult;

    /// <summary>This customer does not hold it (nothing to release).</summary>
    [GenerateSerializer, Immutable, Alias("identity-result-not-held")]
    public sealed record NotHeld([property: Id(0)] Identifier Identifier) : IdentityResult;

    /// <summary>An email or phone: set or clear it in the profile instead.</summary>
    [GenerateSerializer, Immutable, Alias("identity-result-profile-field")]
    public sealed record ProfileField([property: Id(0)] Identifier Identifier) : IdentityResult;

    [GenerateSerializer, Immutable, Alias("identity-result-customer-not-found")]
    public sealed record CustomerNotFound : IdentityResult;
}
