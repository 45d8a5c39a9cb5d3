using Actors.Grains.Journal;

namespace Actors.Grains.Erasure;

/// <summary>Who asked for an erasure: the customer themselves (with a fresh step-up) or the merchant's operators.</summary>
public enum ErasedBy
{
    Customer,
    Operator,
}

/// <summary>
/// The customer is being erased: from now on it refuses everything but the erasure's own steps. Journaled before any
/// step runs (and after the <c>erasure</c> reminder is registered), so a crash half-way always leaves something to
/// finish it. <see cref="ExclusionUntil"/> is the self-exclusion in force then, kept in minimal form.
/// </summary>
[GenerateSerializer, Immutable, Alias("erasure-started-v1"), AuditEntry(AuditKinds.Erasure)]
public sealed record ErasureStarted([property: Id(0)] ErasedBy By, [property: Id(1)] DateTimeOffset? ExclusionUntil) : JournalEvent;

/// <summary>
/// The last event of an erased customer, appended after its identifiers are released and before its data key is
/// destroyed (nothing can be sealed after that). It clears the state: the activation holds nothing of the person.
/// </summary>
[GenerateSerializer, Immutable, Alias("customer-erased-v1"), AuditEntry(AuditKinds.Erasure)]
public sealed record CustomerErased : JournalEvent;
