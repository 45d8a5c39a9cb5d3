using Orleans.Concurrency;

namespace Actors.Grains.Identity;

/// <summary>
/// One channel identifier (keyed by its kind and a keyed hash of it, <see cref="Privacy.IdentityKeys"/>, never by the
/// identifier itself, which Orleans would store in the clear) and the customer holding it. Its claim is durable in grain storage with an ETag check, so even two activations of one identifier can
/// never both hand it out. A claim is <see cref="ClaimStatus.Claiming"/> until the customer's journal holds it and
/// <see cref="ClaimStatus.Releasing"/> while the customer gives it up; either unsettled state is settled by asking the
/// customer (on a lookup, on another customer's claim, and by a reminder), so a crash half-way is repaired.
/// </summary>
[Alias("identity-grain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    /// <summary>The customer holding the identifier, settling an unsettled claim first; null when nobody does.</summary>
    [Alias("resolve")]
    Task<string?> Resolve(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the identifier for <paramref name="customerId"/>, unsettled until <see cref="Confirm"/>; false when
    /// another customer holds it (after checking that it really does).
    /// </summary>
    [Alias("claim")]
    Task<bool> Claim(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Settles the claim of <paramref name="customerId"/> once its journal holds it; false when it is not theirs.</summary>
    [Alias("confirm")]
    Task<bool> Confirm(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Marks the claim of <paramref name="customerId"/> as being given up, before its journal says so.</summary>
    [Alias("begin-release")]
    Task BeginRelease(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Frees the identifier if <paramref name="customerId"/> holds it.</summary>
    [Alias("release")]
    Task Release(string customerId, CancellationToken cancellationToken = default);

    /// <summary>The stored claim as it stands, unsettled or not, without asking anyone; null when free.</summary>
    [Alias("get-claim"), ReadOnly]
    Task<IdentityClaim?> GetClaim(CancellationToken cancellationToken = default);
}

public enum ClaimStatus
{
    /// <summary>Recorded for the customer, whose journal may not hold it yet.</summary>
    Claiming,

    /// <summary>The customer's journal holds it.</summary>
    Held,

    /// <summary>The customer is giving it up; its journal may still hold it.</summary>
    Releasing,
}

/// <summary>Who holds an identifier, how settled that is, and since when.</summary>
[GenerateSerializer, Immutable, Alias("identity-claim-v1")]
public sealed record IdentityClaim(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] ClaimStatus Status,
    [property: Id(2)] DateTimeOffset Since);

/// <summary>The identity grain's stored state: the claim, or none.</summary>
[GenerateSerializer, Alias("identity-state-v1")]
public sealed class IdentityState
{
    [Id(0)] public IdentityClaim? Claim { get; set; }
}

/// <summary>What the customer says about an identifier its identity grain names it for.</summary>
public enum Holding
{
    /// <summary>Its journal holds the identifier.</summary>
    Holds,

    /// <summary>Its journal does not, and no change of it is under way.</summary>
    DoesNotHold,

    /// <summary>It is claiming or releasing the identifier right now: ask again later.</summary>
    Changing,
}
