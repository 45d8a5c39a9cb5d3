using System.Collections.Immutable;

namespace Actors.Grains.Journal;

/// <summary>
/// What a decider concluded from a state and a command at a moment: the events to append and the answer to give
/// once they are durable. A refusal is an answer with no events; so is asking again for what already is.
/// </summary>
public sealed record Decision<TAnswer>(ImmutableArray<JournalEvent> Events, TAnswer Answer);

public static class Decision
{
    public static Decision<TAnswer> Emit<TAnswer>(TAnswer answer, params ReadOnlySpan<JournalEvent> events) => new([.. events], answer);

    public static Decision<TAnswer> Answer<TAnswer>(TAnswer answer) => new([], answer);
}
