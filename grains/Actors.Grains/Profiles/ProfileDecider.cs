using Actors.Grains.Customers;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.StepUp;

namespace Actors.Grains.Profiles;

/// <summary>Creating and patching the profile: pure decisions over the customer's state.</summary>
public static class ProfileDecider
{
    public static Decision<ProfileResult> Create(CustomerState state, string customerId, ProfileDraft draft, DateTimeOffset now)
    {
        if (state.Profile is { } existing)
        {
            return Decision.Answer<ProfileResult>(new ProfileResult.AlreadyExists(existing));
        }
        var created = ProfileRules.Create(customerId, draft, now);
        return created is ProfileResult.Found found
            ? Decision.Emit(created, [new CustomerCreated(found.Profile) { At = now }, .. IdentityDecider.ProfileChanges(state, null, found.Profile, now)])
            : Decision.Answer(created);
    }

    /// <summary>
    /// Applies <paramref name="patch"/> when the profile is still at <paramref name="expectedVersion"/>; a patch that
    /// changes nothing appends nothing. A changed email or phone claims the new one and releases the old one; it is
    /// sensitive (where codes may be sent is changing), so it needs <paramref name="stepUp"/> satisfied.
    /// </summary>
    public static Decision<ProfileResult> Update(CustomerState state, long expectedVersion, ProfilePatch patch, DateTimeOffset now, StepUpStanding stepUp)
    {
        if (state.Profile is not { } current)
        {
            return Decision.Answer<ProfileResult>(new ProfileResult.NotFound());
        }
        var updated = ProfileRules.Apply(current, expectedVersion, patch, now);
        if (updated is ProfileResult.Found { Profile: var next } && (next.Email != current.Email || next.Phone != current.Phone)
            && stepUp.Required is { } method)
        {
            return Decision.Answer<ProfileResult>(new ProfileResult.StepUpRequired(method));
        }
        return updated is ProfileResult.Found found && found.Profile.Version != current.Version
            ? Decision.Emit(updated, [new ProfileUpdated(found.Profile) { At = now }, .. IdentityDecider.ProfileChanges(state, current, found.Profile, now)])
            : Decision.Answer(updated);
    }
}
