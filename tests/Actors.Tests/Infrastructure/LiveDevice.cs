using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Actors.Tests.Infrastructure;

/// <summary>One message a device received from the hub.</summary>
public sealed record LiveMessage(string Method, JsonElement Payload)
{
    public long Sequence => Payload.GetProperty("sequence").GetInt64();

    public override string ToString() => $"{Method} #{Sequence}";
}

/// <summary>A device connected to the live-update hub with the real SignalR client over WebSockets, keeping every message.</summary>
public sealed class LiveDevice : IAsyncDisposable
{
    public static readonly string[] Methods =
        ["Synced", "CartChanged", "CheckoutUpdated", "PaymentUpdated", "ProfileChanged", "LimitsChanged", "PaymentMethodsChanged", "ConsentChanged", "CustomerMerged", "CaseUpdated", "CustomerErased"];

    private readonly Lock gate = new();
    private readonly List<LiveMessage> messages = [];
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveDevice(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    /// <summary>Completes when the server closes the connection, with the error it gave.</summary>
    public TaskCompletionSource<Exception?> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<LiveMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    /// <summary>
    /// Connects as the holder of <paramref name="token"/>; <paramref name="customerId"/> names whom support watches.
    /// <paramref name="follow"/> sees each message as it arrives, one at a time, as a client app would.
    /// With <paramref name="negotiate"/>, the client first negotiates (as the web app's does) and the connection must reach
    /// the node that negotiated it.
    /// </summary>
    public static async Task<LiveDevice> Connect(Uri server, string token, string? customerId = null, Func<LiveMessage, Task>? follow = null, string? tillId = null,
        bool negotiate = false)
    {
        var url = new Uri(server, "/hubs/customer" + (customerId is null ? "" : $"?customerId={customerId}") + (tillId is null ? "" : $"&deviceId={tillId}"));
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = !negotiate;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var device = new LiveDevice(connection);
        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, async payload =>
            {
                var message = new LiveMessage(method, payload.Clone());
                device.Received(message);
                if (follow is not null)
                {
                    await follow(message);
                }
            });
        }
        connection.Closed += error =>
        {
            device.Closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        return device;
    }

    /// <summary>Connects to the API node <paramref name="client"/> talks to, with the bearer token it already presents.</summary>
    public static Task<LiveDevice> Connect(HttpClient client, string? customerId = null, Func<LiveMessage, Task>? follow = null) =>
        Connect(client.BaseAddress!, client.DefaultRequestHeaders.Authorization!.Parameter!, customerId, follow);

    /// <summary>
    /// Connects and waits for <c>Synced</c>: the hub has put the device in its customer's group, so it hears every change
    /// made from now on. (The client's start completes before the hub has done so.)
    /// </summary>
    public static async Task<LiveDevice> Watching(HttpClient client, string? customerId = null, Func<LiveMessage, Task>? follow = null, bool negotiate = false)
    {
        var device = await Connect(client.BaseAddress!, client.DefaultRequestHeaders.Authorization!.Parameter!, customerId, follow, negotiate: negotiate);
        try
        {
            await device.WaitFor("Synced");
            return device;
        }
        catch
        {
            await device.DisposeAsync();
            throw;
        }
    }

    /// <summary>A store till following the checkouts it makes for <paramref name="customerId"/>, once it is in its group.</summary>
    public static async Task<LiveDevice> WatchingAsTill(HttpClient client, string customerId, string tillId)
    {
        var device = await Connect(client.BaseAddress!, client.DefaultRequestHeaders.Authorization!.Parameter!, customerId, tillId: tillId);
        await device.WaitFor("Synced");
        return device;
    }

    /// <summary>The first message (in arrival order) that is <paramref name="method"/> and matches <paramref name="where"/>.</summary>
    public async Task<LiveMessage> WaitFor(string method, Func<JsonElement, bool>? where = null, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task signal;
            lock (gate)
            {
                if (messages.FirstOrDefault(message => message.Method == method && (where is null || where(message.Payload))) is { } found)
                {
                    return found;
                }
                signal = arrived.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No {method} arrived; received: {string.Join(", ", Messages)}");
            }
            await Task.WhenAny(signal, Task.Delay(left));
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void Received(LiveMessage message)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            messages.Add(message);
            signal = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }
}
