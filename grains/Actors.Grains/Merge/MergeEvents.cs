using System.Collections.Immutable;
using Actors.Grains.Journal;

namespace Actors.Grains.Merge;

/// <summary>
/// The survivor's intent to take in <see cref="From"/>, journaled before the other customer is asked anything, so a
/// crash half-way leaves a merge that the next activation, the next call or the <c>merge</c> reminder finishes.
/// </summary>
[GenerateSerializer, Immutable, Alias("merge-started-v1"), AuditEntry(AuditKinds.Merge)]
public sealed record MergeStarted([property: Id(0)] string From) : JournalEvent;

/// <summary>
/// The merged-away side: from now on this customer is <see cref="Survivor"/>. <see cref="Handover"/> is what moves, as
/// it stood at this moment; a repeat of the merge is answered with it again.
/// </summary>
[GenerateSerializer, Immutable, Alias("merged-into-v1"), AuditEntry(AuditKinds.Merge)]
public sealed record MergedInto([property: Id(0)] string Survivor, [property: Id(1)] MergeHandover Handover) : JournalEvent;

/// <summary>
/// The survivor took in <see cref="From"/>: the spend of its current windows (in the survivor's cap currency, by local
/// day) and its loyalty points are added. Identifiers, methods, cart lines, stricter caps and consent withdrawals are
/// the events appended with this one. <see cref="MergedFrom"/> is <see cref="From"/> and everyone merged into it before.
/// </summary>
[GenerateSerializer, Immutable, Alias("merge-completed-v1"), AuditEntry(AuditKinds.Merge)]
public sealed record MergeCompleted(
    [property: Id(0)] string From,
    [property: Id(1)] ImmutableSortedDictionary<DateOnly, long> SpendAdded,
    [property: Id(2)] long PointsAdded,
    [property: Id(3)] ImmutableSortedSet<string> MergedFrom) : JournalEvent;

/// <summary>The merge of <see cref="From"/> was given up (it was busy, unknown, or merged elsewhere); nothing moved.</summary>
[GenerateSerializer, Immutable, Alias("merge-cancelled-v1"), AuditEntry(AuditKinds.Merge)]
public sealed record MergeCancelled([property: Id(0)] string From) : JournalEvent;
