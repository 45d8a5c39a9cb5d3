using System.Collections.Immutable;

namespace Actors.Grains.Erasure;

/// <summary>
/// How far a customer's erasure got: started (<see cref="ErasureStarted"/>), its last event written
/// (<see cref="CustomerErased"/>, <see cref="ErasedAt"/>), and its data key destroyed (<see cref="Shredded"/>, known
/// only from the tombstone the journal finds on load).
/// </summary>
[GenerateSerializer, Immutable, Alias("erasure-state-v1")]
public sealed record ErasureState
{
    [Id(0)] public ErasedBy By { get; init; }
    [Id(1)] public DateTimeOffset StartedAt { get; init; }
    [Id(2)] public DateTimeOffset? ExclusionUntil { get; init; }

    /// <summary>When <see cref="CustomerErased"/> was appended; from then on the state holds nothing of the person.</summary>
    [Id(3)] public DateTimeOffset? ErasedAt { get; init; }

    /// <summary>The data key is destroyed and the tombstone written: nothing of this customer can be opened any more.</summary>
    [Id(4)] public bool Shredded { get; init; }

    /// <summary>The customers merged into this one before it was erased: their keys go with its own (they were the same person).</summary>
    [Id(5)] public ImmutableSortedSet<string> MergedFrom { get; init; } = [];

    /// <summary>The state of a customer whose journal has a tombstone: loaded without opening anything.</summary>
    public static ErasureState Tombstone(DateTimeOffset erasedAt) => new() { StartedAt = erasedAt, ErasedAt = erasedAt, Shredded = true };
}

/// <summary>
/// Thrown by a customer being erased or erased, for every call except the erasure's own and the identity protocol:
/// one exception the API maps to <c>410 Gone</c>, instead of an "erased" case in every result type.
/// </summary>
[GenerateSerializer, Alias("customer-erased-exception")]
public sealed class CustomerErasedException : Exception
{
    public CustomerErasedException(string customerId)
        : base($"Customer {customerId} is erased.") => CustomerId = customerId;

    [Id(0)] public string CustomerId { get; }
}
