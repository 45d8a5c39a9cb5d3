using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// What callers saw during a fault: every answer counted by status (and problem type for refusals), the answers that
/// broke the contract (a 500, a 503 without Retry-After, no answer at all), and the longest wait for one answer.
/// </summary>
public sealed class Outcomes
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> violations = new();
    private long longestTicks;

    public IReadOnlyDictionary<string, int> Counts => counts;
    public IReadOnlyCollection<string> Violations => violations;
    public TimeSpan LongestWait => TimeSpan.FromTicks(Interlocked.Read(ref longestTicks));
    public int Of(string outcome) => counts.GetValueOrDefault(outcome);

    public void Count(string outcome, TimeSpan waited)
    {
        counts.AddOrUpdate(outcome, 1, (_, count) => count + 1);
        var ticks = waited.Ticks;
        for (var seen = Interlocked.Read(ref longestTicks); ticks > seen; seen = Interlocked.Read(ref longestTicks))
        {
            if (Interlocked.CompareExchange(ref longestTicks, ticks, seen) == seen)
            {
                break;
            }
        }
    }

    public void Violation(string what) => violations.Enqueue(what);

    public override string ToString() =>
        string.Join(", ", counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => $"{count.Key}: {count.Value}"))
        + $"; longest wait for one answer {LongestWait.TotalSeconds:0.0} s";
}

/// <summary>
/// A device that behaves as the API asks during a fault: on 503 it waits as long as Retry-After says and sends the
/// same request again (same Idempotency-Key, same body); on 409 idempotency-in-flight it asks again shortly. Any other
/// answer is the answer. It counts everything in <see cref="Outcomes"/> and gives up only at its deadline.
/// </summary>
public static class PatientClient
{
    /// <summary>Longer than any bounded wait the platform promises: a request still unanswered then has hung.</summary>
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(20);

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpClient client, Func<HttpRequestMessage> request,
        Outcomes outcomes, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                using var hang = new CancellationTokenSource(HangAfter);
                response = await client.SendAsync(request(), hang.Token);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                outcomes.Count("no answer", Stopwatch.GetElapsedTime(started));
                outcomes.Violation($"no answer: {exception.GetType().Name}: {exception.Message}");
                if (DateTime.UtcNow > deadline)
                {
                    throw;
                }
                continue;
            }
            using (response)
            {
                var waited = Stopwatch.GetElapsedTime(started);
                var text = await response.Content.ReadAsStringAsync();
                var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
                var type = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("type", out var t) ? t.GetString() : null;
                var status = (int)response.StatusCode;
                outcomes.Count(status < 400 ? status.ToString() : $"{status} {type}", waited);
                if (status >= 500 && status != 503)
                {
                    outcomes.Violation($"{status} {type}: {text}");
                }
                var retry = status switch
                {
                    503 => RetryAfter(response, outcomes, type),
                    409 when type == "/errors/idempotency-in-flight" => TimeSpan.FromMilliseconds(250),
                    _ => (TimeSpan?)null,
                };
                if (retry is null || DateTime.UtcNow + retry > deadline)
                {
                    return (response.StatusCode, body);
                }
                await Task.Delay(retry.Value);
            }
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response, Outcomes outcomes, string? type)
    {
        if (type != "/errors/unavailable")
        {
            outcomes.Violation($"503 of type {type}");
        }
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }
        outcomes.Violation("503 without Retry-After seconds");
        return TimeSpan.FromSeconds(1);
    }
}
