namespace Actors.Api.Live;

/// <summary>
/// Puts one customer's events back in sequence order. Orleans does not promise that one-way calls arrive in the
/// order they were sent, nor before the answer to a later call, so an event that comes early waits for the ones
/// before it, and a number the grain says it handed out is waited for, until the caller gives up
/// (<see cref="Release"/>): then whatever never came is covered by telling the clients to refetch. Not thread-safe.
/// </summary>
public sealed class SequenceOrder<T>
{
    private readonly SortedDictionary<long, T> early = [];

    /// <summary>The sequence number expected next; 0 until the grain has said where it stands.</summary>
    private long next;

    /// <summary>The highest number the grain said it had handed out.</summary>
    private long promised;

    /// <summary>The last sequence number passed on (or covered by a resync).</summary>
    public long Last => next == 0 ? 0 : next - 1;

    /// <summary>Whether something is still awaited: events that came early, or numbers the grain handed out.</summary>
    public bool Waiting => early.Count > 0 || promised > Last;

    /// <summary>What can go out now, in order: <paramref name="item"/> and any early ones it unblocks.</summary>
    public IReadOnlyList<T> Accept(long sequence, T item)
    {
        if (next != 0 && sequence < next)
        {
            return [];
        }
        early.TryAdd(sequence, item);
        return next == 0 ? [] : Ready();
    }

    /// <summary>
    /// Takes the grain's latest number. The first one fixes where the order starts (what came before it is in the
    /// state clients fetch). A later one says which numbers to wait for.
    /// </summary>
    public IReadOnlyList<T> CatchUp(long latest)
    {
        promised = Math.Max(promised, latest);
        if (next != 0)
        {
            return [];
        }
        next = latest + 1;
        foreach (var stale in early.Keys.Where(key => key <= latest).ToList())
        {
            early.Remove(stale);
        }
        return Ready();
    }

    /// <summary>
    /// Stops waiting. Numbers handed out that never came are given up: <paramref name="resyncTo"/> is then the
    /// number clients must refetch up to. Events that came early go out after it, in order, gaps and all.
    /// </summary>
    public IReadOnlyList<T> Release(out long? resyncTo)
    {
        resyncTo = null;
        if (promised > Last)
        {
            resyncTo = promised;
            next = promised + 1;
            foreach (var covered in early.Keys.Where(key => key <= promised).ToList())
            {
                early.Remove(covered);
            }
        }
        if (early.Count == 0)
        {
            return [];
        }
        var all = early.Values.ToList();
        next = early.Keys.Max() + 1;
        early.Clear();
        return all;
    }

    private List<T> Ready()
    {
        var ready = new List<T>();
        while (early.Remove(next, out var item))
        {
            ready.Add(item);
            next++;
        }
        return ready;
    }
}
