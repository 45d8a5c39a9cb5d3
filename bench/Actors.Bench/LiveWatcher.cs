using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Actors.Bench;

/// <summary>
/// One device's SignalR connection to <c>/hubs/customer</c>, watching one customer. It keeps the customer's
/// sequence as docs/live-updates.md tells a client to, counting what a real client would refetch for, and
/// matches each CartChanged to the change the driver sent to time its delivery.
/// </summary>
internal sealed class LiveWatcher : IAsyncDisposable
{
    // Events the driver does not cause but that still advance the sequence if they come.
    private static readonly string[] OtherEvents =
        ["CheckoutUpdated", "PaymentUpdated", "ProfileChanged", "LimitsChanged", "PaymentMethodsChanged", "ConsentChanged"];

    private readonly HubConnection connection;
    private readonly LiveCustomer customer;
    private readonly LiveLedger ledger;
    private readonly Lock gate = new();
    private readonly List<double> latencies = [];
    private readonly HashSet<long> delivered = [];
    private long? last;
    private volatile bool disposing;

    public LiveWatcher(string url, LiveCustomer customer, LiveLedger ledger)
    {
        this.customer = customer;
        this.ledger = ledger;
        connection = new HubConnectionBuilder()
            .WithUrl($"{url.TrimEnd('/')}/hubs/customer", options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(customer.Token);
                // Straight to the WebSocket: a negotiate request would leave each device a second, idle HTTP
                // connection for a minute, and at 10,000 devices the two sides' 20,000 sockets reach the file limit.
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        connection.On<LiveEvent>("Synced", OnSynced);
        connection.On<CartChangedEvent>("CartChanged", OnCartChanged);
        foreach (var method in OtherEvents)
        {
            connection.On<LiveEvent>(method, message => OnOther(message));
        }
        connection.Closed += _ =>
        {
            ClosedByServer = !disposing;
            return Task.CompletedTask;
        };
    }

    public LiveCustomer Customer => customer;

    /// <summary>Completes with the first Synced: the node has this connection in its customer's group.</summary>
    public TaskCompletionSource Synced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool ClosedByServer { get; private set; }

    /// <summary>Measured changes delivered here (each cart version once).</summary>
    public int Received { get; private set; }

    /// <summary>Sequence jumps past last + 1: a client refetches.</summary>
    public int Gaps { get; private set; }

    /// <summary>Events at or below the last sequence: a client ignores them.</summary>
    public int Stale { get; private set; }

    /// <summary>A Synced ahead of the last sequence after joining: the node thinks it may have missed events.</summary>
    public int Resyncs { get; private set; }

    /// <summary>CartChanged that matches no change the driver sent, or names another customer.</summary>
    public int Unexpected { get; private set; }

    public int OtherMessages { get; private set; }

    public Task Start(CancellationToken cancellationToken) => connection.StartAsync(cancellationToken);

    public List<double> Latencies()
    {
        lock (gate)
        {
            return [.. latencies];
        }
    }

    // SignalR runs one connection's handlers one at a time; the lock is for the reader of the figures.
    private void OnSynced(LiveEvent message)
    {
        lock (gate)
        {
            if (last is null)
            {
                last = message.Sequence;
            }
            else if (message.Sequence > last)
            {
                Resyncs++;
                last = message.Sequence;
            }
        }
        Synced.TrySetResult();
    }

    private void OnCartChanged(CartChangedEvent message)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        ledger.CartMessage();
        lock (gate)
        {
            Advance(message.Sequence);
            if (message.CustomerId != customer.Id || message.Cart is null
                || !ledger.TryFind(customer.Index, message.Cart.Version, out var change))
            {
                Unexpected++;
                return;
            }
            // Counted by cart version, apart from the sequence rule, so a late or repeated event is neither
            // lost nor counted twice.
            if (change.Measured && delivered.Add(message.Cart.Version))
            {
                Received++;
                latencies.Add(Stopwatch.GetElapsedTime(change.Timestamp, receivedAt).TotalMilliseconds);
            }
        }
    }

    private void OnOther(LiveEvent message)
    {
        lock (gate)
        {
            OtherMessages++;
            Advance(message.Sequence);
        }
    }

    /// <summary>The sequence rule for an event: next one, one already had, or a gap.</summary>
    private void Advance(long sequence)
    {
        if (last is { } previous)
        {
            if (sequence <= previous)
            {
                Stale++;
                return;
            }
            if (sequence > previous + 1)
            {
                Gaps++;
            }
        }
        last = sequence;
    }

    public async ValueTask DisposeAsync()
    {
        disposing = true;
        await connection.DisposeAsync();
    }
}

/// <summary>What every hub message carries.</summary>
internal sealed record LiveEvent(string CustomerId, long Sequence);

/// <summary>The part of a CartChanged the benchmark reads; the rest of the cart is ignored.</summary>
internal sealed record CartChangedEvent(string CustomerId, long Sequence, CartVersion? Cart);

internal sealed record CartVersion(long Version);
