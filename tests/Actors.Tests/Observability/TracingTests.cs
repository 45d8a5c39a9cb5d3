using System.Diagnostics;
using System.Net;
using Actors.Grains.Hosting;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Observability;

/// <summary>
/// Traces from a request through its grain calls to PostgreSQL: a silo and an API node of their own, both with an OTLP
/// endpoint configured (so tracing is on, as an operator turns it on) and an in-memory exporter beside it.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_checkout_confirmation_is_one_trace_from_the_http_request_through_the_grain_call_to_postgres()
    {
        var collector = new Dictionary<string, string?> { [Telemetry.OtlpEndpointKey] = $"http://127.0.0.1:{Hosts.FreePort()}" };
        var siloSpans = new List<Activity>();
        var apiSpans = new List<Activity>();
        await using var stack = await OwnStack.Start("traces", collector,
            siloServices: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(siloSpans)),
            apiServices: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(apiSpans)),
            apiSettings: collector);
        var (api, silo) = (stack.Api, stack.Silo);

        var shopper = await Shopper.Create(stack.ClientAs);
        var card = await shopper.SaveMethod("tok_visa");
        var checkoutId = await shopper.Checkout(1_000);
        await Json(await shopper.Confirm(checkoutId, card), HttpStatusCode.OK);

        var spans = await Eventually.Get(() =>
        {
            api.Services.GetRequiredService<TracerProvider>().ForceFlush();
            silo.Services.GetRequiredService<TracerProvider>().ForceFlush();
            lock (siloSpans)
            {
                lock (apiSpans)
                {
                    return Task.FromResult(siloSpans.Concat(apiSpans).ToList());
                }
            }
        }, all => TraceOfConfirm(all) is { } trace && all.Any(span => span.TraceId == trace && span.Source.Name == "Npgsql"));

        var traceId = TraceOfConfirm(spans)!.Value;
        var trace = spans.Where(span => span.TraceId == traceId).ToList();
        Assert.Contains(trace, span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(trace, span => span.Source.Name == "Microsoft.Orleans.Application" && span.Kind == ActivityKind.Server
            && span.DisplayName.Contains("ConfirmCheckout", StringComparison.Ordinal));
        Assert.Contains(trace, span => span.Source.Name == "Actors" && span.DisplayName == "journal commit");
        Assert.Contains(trace, span => span.Source.Name == "Npgsql");
        // The silo's own tracer has the grain's and the database's side (it is not only the API's seeing them in-process).
        Assert.Contains(siloSpans.ToList(), span => span.TraceId == traceId && span.Source.Name == "Npgsql");

        // No span carries a parameter's value: nothing the customer sent, no card token, no email.
        var email = (await shopper.Read("")).GetProperty("email").GetString()!;
        var values = spans.SelectMany(span => span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}")).ToList();
        Assert.DoesNotContain(values, value => value.Contains(email, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(values, value => value.Contains("tok_visa", StringComparison.Ordinal));
        Assert.DoesNotContain(values, value => value.Contains("Grace Hopper", StringComparison.Ordinal));
        Assert.DoesNotContain(values, value => value.StartsWith("db.query.parameter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_nothing_is_traced()
    {
        await using var stack = await OwnStack.Start("untraced");

        Assert.Null(stack.Api.Services.GetService<TracerProvider>());
    }

    private static ActivityTraceId? TraceOfConfirm(IEnumerable<Activity> spans) =>
        spans.FirstOrDefault(span => span.Source.Name == "Microsoft.AspNetCore" && span.Kind == ActivityKind.Server
            && span.GetTagItem("http.route") is string route && route.EndsWith("/confirm", StringComparison.Ordinal))?.TraceId;
}
