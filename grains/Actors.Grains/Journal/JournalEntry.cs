using System.Collections.Concurrent;
using System.Reflection;
using Actors.Grains.Privacy;
using Orleans.Serialization;

namespace Actors.Grains.Journal;

/// <summary>An event as the journal holds it, with its sequence number.</summary>
public sealed record JournalEntry(long Sequence, JournalEvent Event);

/// <summary>How events sit in journal rows: the row's <c>event_type</c>, and the sealed payload opened back into an event.</summary>
public static class JournalRows
{
    private static readonly ConcurrentDictionary<Type, string> TypeNames = new();

    /// <summary>The stable name of an event type: its <c>[Alias]</c>, which survives renaming the type.</summary>
    public static string TypeName(Type eventType) => TypeNames.GetOrAdd(eventType, type =>
        type.GetCustomAttribute<AliasAttribute>(inherit: false)?.Alias is { } alias && alias.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? alias
            : throw new InvalidOperationException($"Journal event {type.Name} has no [Alias] of letters, digits and '-': give it a stable one."));

    /// <summary>
    /// The event types as an SQL list of literals (<c>'a-v1', 'b-v1'</c>): written out rather than passed as a parameter
    /// so that the planner can use a partial index on one type. Safe, since aliases are letters, digits and '-'.
    /// </summary>
    public static string SqlList(IEnumerable<Type> types) => string.Join(", ", types.Select(type => $"'{TypeName(type)}'"));

    public static JournalEvent Open(Serializer serializer, DataKey key, long sequence, byte[] payload) =>
        serializer.Deserialize<JournalEvent>(key.Open(SealedPurposes.Event, sequence, payload))
        ?? throw new InvalidDataException($"The event of {key.CustomerId} at {sequence} holds no event.");
}
