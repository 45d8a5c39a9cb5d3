namespace Actors.Grains.Privacy;

/// <summary>A small thread-safe cache that holds at most <paramref name="capacity"/> entries, dropping the least recently used.</summary>
public sealed class LruCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> order = [];
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Stores <paramref name="value"/> unless the key is there already, and returns what the cache holds for it.</summary>
    public TValue Set(TKey key, TValue value)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var existing))
            {
                return existing.Value.Value;
            }
            entries[key] = order.AddFirst((key, value));
            if (entries.Count > capacity)
            {
                entries.Remove(order.Last!.Value.Key);
                order.RemoveLast();
            }
            return value;
        }
    }

    public void Remove(TKey key)
    {
        lock (gate)
        {
            if (entries.Remove(key, out var node))
            {
                order.Remove(node);
            }
        }
    }
}
