using System.Collections.Concurrent;
using System.Net;

namespace Actors.Bench;

/// <summary>
/// What the driver sent and what came of it, shared with the connections that match deliveries against it.
/// A change is keyed by customer and the cart version it will produce: that is all a CartChanged names.
/// </summary>
internal sealed class LiveLedger
{
    private readonly ConcurrentDictionary<(int Customer, long Version), SentChange> sent = new();
    private readonly ConcurrentDictionary<string, int> failures = new();
    private readonly Lock gate = new();
    private readonly List<double> requestLatencies = [];
    private long changes;
    private long expectedDeliveries;
    private long skipped;
    private long cartMessages;

    /// <summary>Cart changes that succeeded while measuring.</summary>
    public long Changes => Interlocked.Read(ref changes);

    /// <summary>Successful measured changes times the open connections of their customer.</summary>
    public long ExpectedDeliveries => Interlocked.Read(ref expectedDeliveries);

    /// <summary>Changes the open-loop driver could not send because every customer had one in flight.</summary>
    public long Skipped => Interlocked.Read(ref skipped);

    /// <summary>Every CartChanged any connection received, measured or not: the raw delivery rate.</summary>
    public long CartMessages => Interlocked.Read(ref cartMessages);

    public IReadOnlyDictionary<string, int> Failures => failures;

    /// <summary>Recorded just before the request goes out, so a delivery that beats the response still finds it.</summary>
    public void Sending(int customer, long version, long timestamp, bool measured) =>
        sent[(customer, version)] = new SentChange(timestamp, measured);

    public bool TryFind(int customer, long version, out SentChange change) => sent.TryGetValue((customer, version), out change);

    public void Succeeded(LiveCustomer customer, long expectedVersion, long version, TimeSpan took, bool measured)
    {
        if (version != expectedVersion && sent.TryRemove((customer.Index, expectedVersion), out var change))
        {
            // Only this driver changes these carts, so this should not happen; keep the books right if it does.
            sent[(customer.Index, version)] = change;
        }
        if (!measured)
        {
            return;
        }
        Interlocked.Increment(ref changes);
        Interlocked.Add(ref expectedDeliveries, customer.Connections);
        lock (gate)
        {
            requestLatencies.Add(took.TotalMilliseconds);
        }
    }

    public void Failed(LiveCustomer customer, long expectedVersion, string reason, bool measured)
    {
        sent.TryRemove((customer.Index, expectedVersion), out _);
        if (measured)
        {
            failures.AddOrUpdate(reason, 1, (_, count) => count + 1);
        }
    }

    public void Skip(bool measured)
    {
        if (measured)
        {
            Interlocked.Increment(ref skipped);
        }
    }

    public void CartMessage() => Interlocked.Increment(ref cartMessages);

    public List<double> RequestLatencies()
    {
        lock (gate)
        {
            return [.. requestLatencies];
        }
    }

    public static string Reason(HttpStatusCode status) => $"HTTP {(int)status}";
}

/// <summary>When a change was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) and whether it counts.</summary>
internal readonly record struct SentChange(long Timestamp, bool Measured);
