using System.Diagnostics.Metrics;
using Actors.Grains.Payments;

namespace Actors.Api.Live;

/// <summary>Live-update instruments of an API node, on the project's meter.</summary>
public sealed class LiveMetrics
{
    private readonly UpDownCounter<long> connections;
    private readonly Counter<long> messages;
    private readonly Counter<long> resyncs;

    public LiveMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PaymentMetrics.MeterName);
        connections = meter.CreateUpDownCounter<long>("actors.live.connections", description: "Hub connections watching a customer on this node.");
        messages = meter.CreateCounter<long>("actors.live.messages", description: "Changes forwarded to hub groups, by hub method.");
        resyncs = meter.CreateCounter<long>("actors.live.resyncs", description: "Renewals that found a customer ahead of what this node forwarded.");
    }

    public void Connected() => connections.Add(1);

    public void Disconnected() => connections.Add(-1);

    public void Forwarded(string method) => messages.Add(1, new KeyValuePair<string, object?>("method", method));

    public void Resynced() => resyncs.Add(1);
}
