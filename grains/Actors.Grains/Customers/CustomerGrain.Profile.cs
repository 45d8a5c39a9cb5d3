using Actors.Grains.Identity;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;

namespace Actors.Grains.Customers;

/// <summary>The profile and the devices the customer was seen on.</summary>
public sealed partial class CustomerGrain
{
    public async Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken)
    {
        return await DecideWithIdentities(
            () => ProfileDecider.Create(state, CustomerId, draft, clock.GetUtcNow()),
            taken => new ProfileResult.IdentityTaken(taken));
    }

    public async Task<ProfileResult> EnrolGuest(ProfileDraft draft, Identifier card, CancellationToken cancellationToken) =>
        await DecideWithIdentities(
            () => GuestEnrolment.Enrol(state, CustomerId, draft, card, clock.GetUtcNow()),
            taken => new ProfileResult.IdentityTaken(taken));

    public Task<ProfileResult> GetProfile(CancellationToken cancellationToken) =>
        Task.FromResult<ProfileResult>(durable.Profile is { } current
            ? new ProfileResult.Found(current)
            : new ProfileResult.NotFound());

    public async Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken)
    {
        return await DecideWithIdentities(
            () => ProfileDecider.Update(state, expectedVersion, patch, clock.GetUtcNow(), StepUpStanding()),
            taken => new ProfileResult.IdentityTaken(taken));
    }

    public Task<IReadOnlyList<DeviceSession>?> GetSessions(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceSession>?>(state.Profile is null ? null : state.Sessions.Sessions);
}
