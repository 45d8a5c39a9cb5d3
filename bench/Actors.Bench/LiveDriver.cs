using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Actors.Bench;

/// <summary>
/// A customer whose cart the driver changes. One change at a time per customer, so the If-Match version is
/// always the current one and every change produces exactly the next version.
/// </summary>
internal sealed class LiveCustomer(int index, string id, string token, long cartVersion)
{
    private int busy;

    public int Index => index;
    public string Id => id;
    public string Token => token;
    public long CartVersion { get; set; } = cartVersion;

    /// <summary>Connections that opened for this customer: each should get every CartChanged.</summary>
    public int Connections { get; set; }

    public bool TryBegin() => Interlocked.CompareExchange(ref busy, 1, 0) == 0;

    public void End() => Volatile.Write(ref busy, 0);
}

/// <summary>Changes carts round-robin over the customers, at a fixed rate or with a fixed concurrency.</summary>
internal sealed class LiveDriver(HttpClient http, LiveCustomer[] customers, LiveLedger ledger)
{
    private int cursor = -1;

    public Task Run(LiveOptions options, TimeSpan duration, bool measured) =>
        options.Concurrency > 0 ? ClosedLoop(options.Concurrency, duration, measured) : OpenLoop(options.Rate, duration, measured);

    /// <summary>Sends on a schedule whatever the latency, so a slow server shows as latency rather than as fewer changes.</summary>
    private async Task OpenLoop(double rate, TimeSpan duration, bool measured)
    {
        var started = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        long issued = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed = Stopwatch.GetElapsedTime(started))
        {
            for (var due = (long)(elapsed.TotalSeconds * rate); issued < due; issued++)
            {
                if (NextIdle() is { } customer)
                {
                    inFlight.Add(Change(customer, measured));
                }
                else
                {
                    ledger.Skip(measured);
                }
            }
            await tick.WaitForNextTickAsync();
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>Each of <paramref name="concurrency"/> devices sends its next change when the last one is answered.</summary>
    private async Task ClosedLoop(int concurrency, TimeSpan duration, bool measured)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (NextIdle() is { } customer)
                {
                    await Change(customer, measured);
                }
                else
                {
                    await Task.Yield();
                }
            }
        }));
    }

    /// <summary>The next customer in turn that has no change in flight, or null when all have one.</summary>
    private LiveCustomer? NextIdle()
    {
        for (var tries = 0; tries < customers.Length; tries++)
        {
            var customer = customers[(int)((uint)Interlocked.Increment(ref cursor) % (uint)customers.Length)];
            if (customer.TryBegin())
            {
                return customer;
            }
        }
        return null;
    }

    private async Task Change(LiveCustomer customer, bool measured)
    {
        var from = customer.CartVersion;
        var next = from + 1;
        try
        {
            // One line replaced in place (same sku), so the cart never reaches its line limit; the quantity varies
            // so that every change is a real one.
            var body = JsonSerializer.Serialize(new { sku = PeerOperations.Sku, quantity = next % 999 + 1 });
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customer.Id}/cart/items")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
            request.Headers.Add("X-Device-Id", "bench-driver");
            request.Headers.Add("X-Channel", "web");
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{from}\""));

            var sentAt = Stopwatch.GetTimestamp();
            ledger.Sending(customer.Index, next, sentAt, measured);
            using var response = await http.SendAsync(request);
            var took = Stopwatch.GetElapsedTime(sentAt);
            var version = VersionOf(response);
            if (response.IsSuccessStatusCode && version is { } current)
            {
                customer.CartVersion = current;
                ledger.Succeeded(customer, next, current, took, measured);
            }
            else
            {
                // A 412 names the current version: carry on from there.
                customer.CartVersion = version ?? from;
                ledger.Failed(customer, next, LiveLedger.Reason(response.StatusCode), measured);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            ledger.Failed(customer, next, e.GetType().Name, measured);
        }
        finally
        {
            customer.End();
        }
    }

    /// <summary>The cart version from the response's ETag (<c>"7"</c>).</summary>
    public static long? VersionOf(HttpResponseMessage response) =>
        response.Headers.ETag is { } tag && long.TryParse(tag.Tag.Trim('"'), out var version) ? version : null;
}
