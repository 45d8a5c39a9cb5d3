using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;

namespace Actors.Grains.Journal;

/// <summary>
/// Marks a journal event type as an entry of the customer's audit trail, of one <see cref="Kind"/>: the journal chains
/// its row to the audit entry before it (<see cref="AuditChain"/>), and the audit API lists it. One line on an event
/// type makes it audited.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class AuditEntryAttribute(string kind) : Attribute
{
    /// <summary>What the entry is about, as the audit trail names it (one of <see cref="AuditKinds"/>).</summary>
    public string Kind { get; } = kind;
}

/// <summary>The kinds of audit entry.</summary>
public static class AuditKinds
{
    public const string Consent = "consent";
    public const string Limits = "limits";
    public const string SelfExclusion = "self-exclusion";
    public const string Merge = "merge";
    public const string Erasure = "erasure";
    public const string SupportAccess = "support-access";

    /// <summary>The kinds a customer can download a signed receipt for: the changes they made to consent and limits.</summary>
    public static readonly ImmutableHashSet<string> Receipted = [Consent, Limits, SelfExclusion];
}

/// <summary>Which event types are audit entries, read once from their <see cref="AuditEntryAttribute"/>.</summary>
public static class AuditEntries
{
    private static readonly ConcurrentDictionary<Type, string?> Kinds = new();

    /// <summary>
    /// Stored event type (the <c>[Alias]</c> in a row's <c>event_type</c>) → audit kind, for every audited event: so a
    /// row says its kind even when its payload can no longer be opened.
    /// </summary>
    public static ImmutableDictionary<string, string> KindsByStoredType { get; } = typeof(JournalEvent).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(JournalEvent)) && KindOf(type) is not null)
        .ToImmutableDictionary(
            type => type.GetCustomAttribute<AliasAttribute>(inherit: false)?.Alias
                ?? throw new InvalidOperationException($"Audit entry {type.Name} has no [Alias]: give it a stable one."),
            type => KindOf(type)!);

    /// <summary>The audit kind of <paramref name="eventType"/>, or null when it is no audit entry.</summary>
    public static string? KindOf(Type eventType) =>
        Kinds.GetOrAdd(eventType, type => type.GetCustomAttribute<AuditEntryAttribute>(inherit: false)?.Kind);

    /// <summary>The stored event types of <paramref name="kind"/>.</summary>
    public static string[] StoredTypesOf(string kind) => [.. KindsByStoredType.Where(entry => entry.Value == kind).Select(entry => entry.Key)];
}
