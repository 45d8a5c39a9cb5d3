using System.Collections.Immutable;

namespace Actors.Grains.StepUp;

/// <summary>Sends a customer their one-time step-up code. A deployment puts its email or SMS sender here.</summary>
public interface IStepUpCodeSender
{
    Task Send(string customerId, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

/// <summary>A message the development outbox holds for a customer instead of sending it.</summary>
[GenerateSerializer, Immutable, Alias("outbox-message-v1")]
public sealed record OutboxMessage(
    [property: Id(0)] string Text,
    [property: Id(1)] string Code,
    [property: Id(2)] DateTimeOffset SentAt,
    [property: Id(3)] DateTimeOffset ExpiresAt);

/// <summary>
/// The development outbox of one customer (keyed by customer id): the last few messages, in memory only, so codes never
/// reach PostgreSQL. Being a grain, every silo and API node sees the same outbox.
/// </summary>
[Alias("dev-outbox-grain")]
public interface IDevOutboxGrain : IGrainWithStringKey
{
    [Alias("deliver")]
    Task Deliver(OutboxMessage message);

    /// <summary>Newest first.</summary>
    [Alias("messages")]
    Task<ImmutableList<OutboxMessage>> Messages();
}

public sealed class DevOutboxGrain : Grain, IDevOutboxGrain
{
    private const int Kept = 5;

    private ImmutableList<OutboxMessage> messages = [];

    public Task Deliver(OutboxMessage message)
    {
        messages = messages.Insert(0, message);
        if (messages.Count > Kept)
        {
            messages = messages.RemoveRange(Kept, messages.Count - Kept);
        }
        return Task.CompletedTask;
    }

    public Task<ImmutableList<OutboxMessage>> Messages() => Task.FromResult(messages);
}

/// <summary>The development sender: delivers codes to the customer's <see cref="IDevOutboxGrain"/>.</summary>
public sealed class DevOutboxSender(IGrainFactory grains, TimeProvider clock) : IStepUpCodeSender
{
    public Task Send(string customerId, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        grains.GetGrain<IDevOutboxGrain>(customerId).Deliver(
            new OutboxMessage($"Your code is {code}. It expires at {expiresAt:HH:mm} UTC.", code, clock.GetUtcNow(), expiresAt));
}
