using System.Collections.Concurrent;
using System.Text.Json;
using Actors.Grains.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Webhooks;

/// <summary>What the receiver does with one request.</summary>
public enum ReceiverAnswer
{
    Acknowledge,
    Fail,

    /// <summary>Answers only after the sender's timeout has passed.</summary>
    Hang,

    /// <summary>Answers 200, but after a while (well within the sender's timeout).</summary>
    Late,
}

/// <summary>One request as the receiver saw it; <paramref name="Signature"/> is its signature header as sent.</summary>
public sealed record Received(
    string Path, string EventId, string Type, string Customer, long Sequence, JsonElement Body, string RawBody, string Signature, bool SignatureValid,
    ReceiverAnswer Answer);

/// <summary>
/// A merchant's backend on a free loopback port (real Kestrel): each path is one endpoint, with its own secret and a
/// plan for how it answers each request; it checks every signature as README tells merchants to.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly TimeSpan LateBy = TimeSpan.FromMilliseconds(300);

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Plan> plans = new();
    private readonly ConcurrentQueue<Received> received = new();

    private WebhookReceiver(WebApplication app)
    {
        this.app = app;
        app.MapPost("/hooks/{name}", Handle);
    }

    public string BaseUrl => app.Urls.Single();

    public static async Task<WebhookReceiver> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var receiver = new WebhookReceiver(builder.Build());
        await receiver.app.StartAsync();
        return receiver;
    }

    /// <summary>
    /// A new path on this receiver that verifies with <paramref name="secret"/> and answers request n (from 0) with
    /// <paramref name="answer"/>(n), acknowledging when none is given.
    /// </summary>
    public string Path(string secret, Func<int, ReceiverAnswer>? answer = null)
    {
        var name = Guid.NewGuid().ToString("N");
        plans[name] = new Plan(secret, answer ?? (_ => ReceiverAnswer.Acknowledge));
        return $"{BaseUrl}/hooks/{name}";
    }

    /// <summary>Everything that reached <paramref name="url"/> about <paramref name="customerId"/>, in arrival order.</summary>
    public IReadOnlyList<Received> At(string url, string customerId) =>
        [.. received.Where(request => url.EndsWith("/" + request.Path, StringComparison.Ordinal) && request.Customer == customerId)];

    /// <summary>The events <paramref name="url"/> acknowledged for <paramref name="customerId"/>, in order, each once.</summary>
    public IReadOnlyList<Received> Acknowledged(string url, string customerId) =>
        [.. At(url, customerId).Where(request => request.Answer is ReceiverAnswer.Acknowledge or ReceiverAnswer.Late).DistinctBy(request => request.EventId)];

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<IResult> Handle(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!plans.TryGetValue(name, out var plan))
        {
            return Results.NotFound();
        }
        using var reader = new StreamReader(request.Body);
        var raw = await reader.ReadToEndAsync(cancellationToken);
        var signature = request.Headers[WebhookSignature.Header].ToString();
        var valid = WebhookSignature.Verify(plan.Secret, signature, raw, DateTimeOffset.UtcNow);
        var body = JsonDocument.Parse(raw).RootElement.Clone();
        var answer = plan.Answer(plan.Next());
        received.Enqueue(new Received(name, body.GetProperty("id").GetString()!, body.GetProperty("type").GetString()!,
            body.GetProperty("customer").GetString()!, body.GetProperty("sequence").GetInt64(), body, raw, signature, valid, answer));
        switch (answer)
        {
            case ReceiverAnswer.Fail:
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case ReceiverAnswer.Hang:
                // Until the sender gives up and closes the request.
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Ok();
            case ReceiverAnswer.Late:
                await Task.Delay(LateBy, cancellationToken);
                return Results.Ok();
            default:
                return Results.Ok();
        }
    }

    private sealed class Plan(string secret, Func<int, ReceiverAnswer> answer)
    {
        private int requests = -1;

        public string Secret { get; } = secret;
        public Func<int, ReceiverAnswer> Answer { get; } = answer;

        public int Next() => Interlocked.Increment(ref requests);
    }
}
