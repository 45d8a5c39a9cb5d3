using Actors.Grains.Hosting;
using Actors.Grains.Profiles;
using Orleans.Storage;

namespace Actors.Grains.Customers;

public sealed class CustomerGrain(
    [PersistentState("profile", StorageNames.Customers)] IPersistentState<ProfileState> profile,
    TimeProvider clock) : Grain, ICustomerGrain
{
    public async Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is { } existing)
        {
            return new ProfileResult.AlreadyExists(existing);
        }

        var created = ProfileRules.Create(this.GetPrimaryKeyString(), draft, clock.GetUtcNow());
        if (created is ProfileResult.Found found)
        {
            profile.State = new ProfileState { Profile = found.Profile };
            await Persist(cancellationToken);
        }
        return created;
    }

    public Task<ProfileResult> GetProfile(CancellationToken cancellationToken) =>
        Task.FromResult<ProfileResult>(profile.State.Profile is { } current
            ? new ProfileResult.Found(current)
            : new ProfileResult.NotFound());

    public async Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is not { } current)
        {
            return new ProfileResult.NotFound();
        }

        var updated = ProfileRules.Apply(current, expectedVersion, patch, clock.GetUtcNow());
        if (updated is ProfileResult.Found found && found.Profile.Version != current.Version)
        {
            profile.State = profile.State with { Profile = found.Profile };
            await Persist(cancellationToken);
        }
        return updated;
    }

    /// <summary>
    /// A write that fails its ETag check means another activation of this customer won (possible for a moment
    /// during membership changes): this one steps aside so the caller's retry reaches the winner.
    /// </summary>
    private async Task Persist(CancellationToken cancellationToken)
    {
        try
        {
            await profile.WriteStateAsync(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
