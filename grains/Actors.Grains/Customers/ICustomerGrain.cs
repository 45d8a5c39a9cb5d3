using Actors.Grains.Profiles;
using Orleans.Concurrency;

namespace Actors.Grains.Customers;

/// <summary>
/// One customer's whole live state, keyed by its <c>cus_…</c> id. Non-reentrant on purpose: one turn at a time
/// is what keeps every check-then-write on the customer race-free without locks.
/// </summary>
[Alias("customer-grain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken = default);

    [Alias("get-profile"), ReadOnly]
    Task<ProfileResult> GetProfile(CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="patch"/> only when the profile is still at <paramref name="expectedVersion"/>.</summary>
    [Alias("update-profile")]
    Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken = default);
}
