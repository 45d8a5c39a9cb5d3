using System.Collections.Concurrent;
using Actors.Grains.Customers;
using Actors.Grains.Erasure;
using Actors.Grains.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Actors.Api.Live;

/// <summary>
/// This node's subscriptions: one grain observer per customer with live connections here (not one per connection),
/// made when the first connection arrives, dropped after the last leaves, and renewed on a timer so a customer
/// that moved to another silo, or a silo that restarted, is watched again within seconds.
/// </summary>
public sealed partial class CustomerWatchers(
    IClusterClient cluster,
    IHubContext<CustomerHub> hub,
    IOptions<LiveSettings> settings,
    LiveMetrics metrics,
    TimeProvider clock,
    ILogger<CustomerWatchers> log) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Watch> watches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveConnection> connections = new(StringComparer.Ordinal);

    /// <summary>How long an event that arrived early waits for the ones before it (Orleans may reorder one-way calls).</summary>
    private static readonly TimeSpan MissingEventWait = TimeSpan.FromSeconds(1);

    /// <summary>The SignalR group of a customer's connections that see <paramref name="masked"/> data.</summary>
    public static string Group(string customerId, bool masked) => masked ? $"{customerId}/masked" : customerId;

    /// <summary>The SignalR group of one till's connections for a customer: they hear only of that till's checkouts.</summary>
    public static string TillGroup(string customerId, string tillId) => $"{customerId}/till/{tillId}";

    /// <summary>
    /// Adds the connection to its customer's group and makes sure this node watches that customer. Answers the
    /// latest sequence number this node knows, or null (and forgets the connection) when there is no such customer.
    /// <paramref name="close"/> closes the connection from the server's side (when the customer is erased).
    /// </summary>
    public async Task<long?> Join(string connectionId, string customerId, string group, Action close, CancellationToken cancellationToken)
    {
        Watch watch;
        lock (gate)
        {
            if (!watches.TryGetValue(customerId, out watch!))
            {
                watch = new Watch(customerId, this);
                watch.Reference = cluster.CreateObjectReference<ICustomerObserver>(watch);
                watches[customerId] = watch;
                watch.Started = Subscribe(watch);
            }
            watch.Connections++;
        }
        connections[connectionId] = new LiveConnection(customerId, close);
        metrics.Connected();
        try
        {
            await hub.Groups.AddToGroupAsync(connectionId, group, cancellationToken);
            if (await watch.Started is null)
            {
                await Leave(connectionId);
                return null;
            }
            return watch.LastForwarded;
        }
        catch
        {
            await Leave(connectionId);
            throw;
        }
    }

    /// <summary>Forgets a connection; after the customer's last one here, stops watching the customer.</summary>
    public async Task Leave(string connectionId)
    {
        if (!connections.TryRemove(connectionId, out var connection))
        {
            return;
        }
        var customerId = connection.CustomerId;
        metrics.Disconnected();
        Watch? ended = null;
        lock (gate)
        {
            if (watches.TryGetValue(customerId, out var watch) && --watch.Connections == 0)
            {
                watches.Remove(customerId);
                ended = watch;
            }
        }
        if (ended is not null)
        {
            await Unsubscribe(ended);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Watch[] current;
                lock (gate)
                {
                    current = [.. watches.Values];
                }
                await Parallel.ForEachAsync(current, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken },
                    async (watch, _) => await Renew(watch));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Watch[] remaining;
        lock (gate)
        {
            remaining = [.. watches.Values];
            watches.Clear();
        }
        // Tell the grains now rather than leave them to expire the observers a minute later.
        await Task.WhenAll(remaining.Select(Unsubscribe));
    }

    /// <summary>Registers (or renews) this node's observer with the grain, and takes the grain's latest number.</summary>
    private async Task<long?> Subscribe(Watch watch, CancellationToken cancellationToken = default)
    {
        var latest = await cluster.GetGrain<ICustomerGrain>(watch.CustomerId).Watch(watch.Reference, cancellationToken);
        if (latest is { } sequence)
        {
            await CatchUp(watch, sequence);
        }
        return latest;
    }

    /// <summary>
    /// Subscribes again. A sequence ahead of what this node has seen is waited for briefly (one-way calls can be
    /// overtaken); what never comes was lost with a silo or an activation, and every connection is told to refetch.
    /// A renewal gives up after one period: a call to a silo that died unannounced would otherwise wait out the whole
    /// response timeout, and hold up every other customer's renewal with it.
    /// </summary>
    private async Task Renew(Watch watch)
    {
        try
        {
            if (await watch.Started is not null)
            {
                using var patience = new CancellationTokenSource(settings.Value.RenewEvery);
                await Subscribe(watch, patience.Token);
            }
        }
        catch (CustomerErasedException)
        {
            // Erased while this node missed the last event (a silo died with it): the devices are told and let go now.
            await watch.Turn.WaitAsync();
            try
            {
                await Disconnect(watch, new CustomerErasedMessage(watch.CustomerId, watch.LastForwarded + 1, clock.GetUtcNow()));
            }
            finally
            {
                watch.Turn.Release();
            }
        }
        catch (Exception exception)
        {
            LogRenewFailed(log, watch.CustomerId, exception.GetType().Name, exception.Message);
        }
    }

    /// <summary>
    /// Sends the erasure to every connection of the customer on this node (tills and support included), then closes
    /// them from the server's side; SignalR sends its close message after what was sent before. Call with the turn held.
    /// </summary>
    private async Task Disconnect(Watch watch, CustomerErasedMessage erased)
    {
        var closing = connections.Where(entry => entry.Value.CustomerId == watch.CustomerId).ToList();
        foreach (var (connectionId, connection) in closing)
        {
            try
            {
                await hub.Clients.Client(connectionId).SendAsync(LiveMessages.CustomerErased, erased);
            }
            finally
            {
                connection.Close();
            }
        }
        if (closing.Count > 0)
        {
            metrics.Forwarded(LiveMessages.CustomerErased);
        }
        LogDisconnected(log, watch.CustomerId, closing.Count);
    }

    private async Task CatchUp(Watch watch, long latest)
    {
        await watch.Turn.WaitAsync();
        try
        {
            await Forward(watch, watch.Order.CatchUp(latest));
            ReleaseLaterIfWaiting(watch);
        }
        finally
        {
            watch.Turn.Release();
        }
    }

    private async Task Unsubscribe(Watch watch)
    {
        try
        {
            await cluster.GetGrain<ICustomerGrain>(watch.CustomerId).Unwatch(watch.Reference);
        }
        catch (Exception exception)
        {
            // The grain forgets the observer by itself when it stops renewing.
            LogUnwatchFailed(log, watch.CustomerId, exception.GetType().Name);
        }
        finally
        {
            cluster.DeleteObjectReference<ICustomerObserver>(watch.Reference);
        }
    }

    /// <summary>Takes a change from the grain and passes on, in sequence order, whatever is ready to go.</summary>
    private async Task Deliver(Watch watch, CustomerEvent change)
    {
        await watch.Turn.WaitAsync();
        try
        {
            await Forward(watch, watch.Order.Accept(change.Sequence, change));
            ReleaseLaterIfWaiting(watch);
        }
        finally
        {
            watch.Turn.Release();
        }
    }

    /// <summary>Call with the turn held.</summary>
    private void ReleaseLaterIfWaiting(Watch watch)
    {
        if (watch.Order.Waiting && !watch.ReleaseScheduled)
        {
            watch.ReleaseScheduled = true;
            _ = ReleaseLater(watch);
        }
    }

    /// <summary>
    /// An event that has not come after a while is lost (the customer moved or a silo died): connections are told to
    /// refetch, then get what waited behind it.
    /// </summary>
    private async Task ReleaseLater(Watch watch)
    {
        await Task.Delay(MissingEventWait);
        await watch.Turn.WaitAsync();
        try
        {
            watch.ReleaseScheduled = false;
            var waiting = watch.Order.Release(out var resyncTo);
            if (resyncTo is { } latest)
            {
                metrics.Resynced();
                await Send(watch, LiveMessages.Synced, new SyncedMessage(watch.CustomerId, latest));
                watch.LastForwarded = latest;
            }
            await Forward(watch, waiting);
        }
        finally
        {
            watch.Turn.Release();
        }
    }

    private async Task Forward(Watch watch, IReadOnlyList<CustomerEvent> changes)
    {
        foreach (var change in changes)
        {
            try
            {
                if (change is Erased)
                {
                    await Disconnect(watch, (CustomerErasedMessage)LiveMessages.For(watch.CustomerId, change, masked: false).Payload);
                    continue;
                }
                var (method, payload) = LiveMessages.For(watch.CustomerId, change, masked: false);
                if (LiveMessages.DiffersWhenMasked(change))
                {
                    await hub.Clients.Group(Group(watch.CustomerId, false)).SendAsync(method, payload);
                    await hub.Clients.Group(Group(watch.CustomerId, true)).SendAsync(method, LiveMessages.For(watch.CustomerId, change, masked: true).Payload);
                }
                else
                {
                    await Send(watch, method, payload);
                }
                if (TillOf(change) is { } tillId)
                {
                    await hub.Clients.Group(TillGroup(watch.CustomerId, tillId)).SendAsync(method, payload);
                }
                metrics.Forwarded(method);
            }
            catch (Exception exception)
            {
                LogForwardFailed(log, watch.CustomerId, change.Sequence, exception);
            }
        }
        watch.LastForwarded = watch.Order.Last;
    }

    /// <summary>The till that may hear of <paramref name="change"/>: only its own checkouts and their payments.</summary>
    private static string? TillOf(CustomerEvent change) => change switch
    {
        CheckoutUpdated checkout => checkout.Checkout.TillId,
        PaymentUpdated payment => payment.TillId,
        _ => null,
    };

    private Task Send(Watch watch, string method, object payload) =>
        hub.Clients.Groups([Group(watch.CustomerId, false), Group(watch.CustomerId, true)]).SendAsync(method, payload);

    /// <summary>A live connection on this node: whose it is, and how to close it from the server's side.</summary>
    private sealed record LiveConnection(string CustomerId, Action Close);

    /// <summary>One watched customer: the observer the grain calls (held here, since Orleans keeps it only weakly).</summary>
    private sealed class Watch(string customerId, CustomerWatchers owner) : ICustomerObserver
    {
        private long lastForwarded;

        public string CustomerId { get; } = customerId;
        public ICustomerObserver Reference { get; set; } = null!;
        public Task<long?> Started { get; set; } = Task.FromResult<long?>(null);

        /// <summary>Guarded by the owner's gate.</summary>
        public int Connections { get; set; }

        /// <summary>One delivery at a time, and none overtakes another; guards <see cref="Order"/> and <see cref="ReleaseScheduled"/>.</summary>
        public SemaphoreSlim Turn { get; } = new(1, 1);
        public SequenceOrder<CustomerEvent> Order { get; } = new();
        public bool ReleaseScheduled { get; set; }

        /// <summary>The last sequence number sent to this node's connections, readable without the turn.</summary>
        public long LastForwarded
        {
            get => Interlocked.Read(ref lastForwarded);
            set => Interlocked.Exchange(ref lastForwarded, value);
        }

        public Task OnChanged(CustomerEvent change) => owner.Deliver(this, change);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the watch on {CustomerId}: {ExceptionType}: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string customerId, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not unwatch {CustomerId} ({ExceptionType}); it expires by itself")]
    private static partial void LogUnwatchFailed(ILogger logger, string customerId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "{CustomerId} was erased: closed its {Count} live connections here")]
    private static partial void LogDisconnected(ILogger logger, string customerId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward change {Sequence} of {CustomerId}")]
    private static partial void LogForwardFailed(ILogger logger, string customerId, long sequence, Exception exception);
}
