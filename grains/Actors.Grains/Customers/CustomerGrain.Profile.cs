using Actors.Grains.Profiles;
using Actors.Grains.Sessions;

namespace Actors.Grains.Customers;

/// <summary>The profile and the devices the customer was seen on.</summary>
public sealed partial class CustomerGrain
{
    public async Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken)
    {
        var decision = ProfileDecider.Create(state, CustomerId, draft, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public Task<ProfileResult> GetProfile(CancellationToken cancellationToken) =>
        Task.FromResult<ProfileResult>(durable.Profile is { } current
            ? new ProfileResult.Found(current)
            : new ProfileResult.NotFound());

    public async Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken)
    {
        var decision = ProfileDecider.Update(state, expectedVersion, patch, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public Task<IReadOnlyList<DeviceSession>?> GetSessions(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceSession>?>(state.Profile is null ? null : state.Sessions.Sessions);
}
