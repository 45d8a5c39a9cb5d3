using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Limits;
using Actors.Grains.Wallets;

namespace Actors.Grains.Merge;

/// <summary>
/// A customer's part in merges: whom it was merged into (then it only redirects), whom it took in, and the merges it
/// has started and not yet finished.
/// </summary>
[GenerateSerializer, Immutable, Alias("merge-state-v1")]
public sealed record MergeState
{
    /// <summary>The survivor this customer was merged into; null while it is a customer of its own.</summary>
    [Id(0)] public string? MergedInto { get; init; }

    /// <summary>What this customer handed over when it was merged away, so a repeat gets the same record.</summary>
    [Id(1)] public MergeHandover? Handover { get; init; }

    /// <summary>Every customer merged into this one, directly or through a customer merged into it.</summary>
    [Id(2)] public ImmutableSortedSet<string> MergedFrom { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>Merges started (<see cref="MergeStarted"/>) and neither completed nor cancelled.</summary>
    [Id(3)] public ImmutableSortedSet<string> Pending { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    public static MergeState None { get; } = new();
}

/// <summary>
/// Everything that moves from the merged-away customer to the survivor, as one immutable record taken when the merge
/// was recorded. Amounts are in <see cref="CapCurrency"/>; spend is settled spend by the customer's local day (it had
/// no open payments, or it would not have been merged).
/// </summary>
[GenerateSerializer, Immutable, Alias("merge-handover-v1")]
public sealed record MergeHandover(
    [property: Id(0)] string From,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] ImmutableSortedSet<string> Identities,
    [property: Id(3)] ImmutableList<PaymentMethod> Methods,
    [property: Id(4)] ImmutableList<CartLine> CartLines,
    [property: Id(5)] long Points,
    [property: Id(6)] string CapCurrency,
    [property: Id(7)] SpendingLimits Limits,
    [property: Id(8)] ImmutableSortedDictionary<DateOnly, long> SettledByDay,
    [property: Id(9)] ConsentState Consents,
    [property: Id(10)] ImmutableSortedSet<string> MergedFrom);

/// <summary>What a customer grain tells another about itself before a merge: when it was created and whether it was merged away.</summary>
[GenerateSerializer, Immutable, Alias("merge-standing-v1")]
public sealed record MergeStanding([property: Id(0)] DateTimeOffset CreatedAt, [property: Id(1)] string? MergedInto);

/// <summary>The answer to a merge request: errors a caller can cause are values.</summary>
[GenerateSerializer, Immutable, Alias("merge-result")]
public abstract record MergeResult
{
    /// <summary>Done (now or before): <see cref="Survivor"/> kept its id and took in <see cref="MergedAway"/>.</summary>
    [GenerateSerializer, Immutable, Alias("merge-result-merged")]
    public sealed record Merged([property: Id(0)] string Survivor, [property: Id(1)] string MergedAway) : MergeResult;

    /// <summary>A customer cannot be merged into itself.</summary>
    [GenerateSerializer, Immutable, Alias("merge-result-self")]
    public sealed record Self : MergeResult;

    [GenerateSerializer, Immutable, Alias("merge-result-not-found")]
    public sealed record NotFound([property: Id(0)] string CustomerId) : MergeResult;

    /// <summary><see cref="CustomerId"/> was already merged into <see cref="Into"/> (another customer than this merge names).</summary>
    [GenerateSerializer, Immutable, Alias("merge-result-already-merged")]
    public sealed record AlreadyMerged([property: Id(0)] string CustomerId, [property: Id(1)] string Into) : MergeResult;

    /// <summary>
    /// <see cref="CustomerId"/> has money in flight (a payment reserved or at the gateway, a refund pending) or a merge
    /// of its own under way: nothing moved; ask again once it has settled.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("merge-result-busy")]
    public sealed record Busy([property: Id(0)] string CustomerId) : MergeResult;
}

/// <summary>What the merged-away customer answers the survivor.</summary>
[GenerateSerializer, Immutable, Alias("hand-over-result")]
public abstract record HandOverResult
{
    [GenerateSerializer, Immutable, Alias("hand-over-result-handed")]
    public sealed record Handed([property: Id(0)] MergeHandover Handover) : HandOverResult;

    /// <summary>Refused: the reason, as the merge answers it.</summary>
    [GenerateSerializer, Immutable, Alias("hand-over-result-refused")]
    public sealed record Refused([property: Id(0)] MergeResult Reason) : HandOverResult;
}

/// <summary>
/// Thrown by a customer that was merged away, for every call except the merge protocol and watching: one exception
/// the API maps to <c>308</c> on reads and <c>409</c> on writes, instead of a "merged" case in every result type.
/// </summary>
[GenerateSerializer, Alias("customer-merged-exception")]
public sealed class CustomerMergedException : Exception
{
    public CustomerMergedException(string customerId, string survivorId)
        : base($"Customer {customerId} was merged into {survivorId}.")
    {
        CustomerId = customerId;
        SurvivorId = survivorId;
    }

    [Id(0)] public string CustomerId { get; }
    [Id(1)] public string SurvivorId { get; }
}
