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
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "traces-" + Guid.NewGuid().ToString("N")[..8];
        var collector = new Dictionary<string, string?> { [Telemetry.OtlpEndpointKey] = $"http://127.0.0.1:{Hosts.FreePort()}" };
        var siloSpans = new List<Activity>();
        var apiSpans = new List<Activity>();
        using var silo = await Hosts.StartSilo(connectionString, clusterId,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(siloSpans)), collector);
        var settings = ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true);
        settings[Telemetry.OtlpEndpointKey] = collector[Telemetry.OtlpEndpointKey];
        await using var api = new ApiFactory(settings, services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(apiSpans)));
        api.UseKestrel(0);
        api.StartServer();

        var shopper = await Shopper.Create((role, customerId) => ApiFixture.ClientAs(api, role, customerId));
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
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "untraced-" + Guid.NewGuid().ToString("N")[..8];
        // The API node starts only once it reaches a silo of its cluster.
        using var silo = await Hosts.StartSilo(connectionString, clusterId);
        await using var api = new ApiFactory(ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true));

        Assert.Null(api.Services.GetService<TracerProvider>());
    }

    private static ActivityTraceId? TraceOfConfirm(IEnumerable<Activity> spans) =>
        spans.FirstOrDefault(span => span.Source.Name == "Microsoft.AspNetCore" && span.Kind == ActivityKind.Server
            && span.GetTagItem("http.route") is string route && route.EndsWith("/confirm", StringComparison.Ordinal))?.TraceId;
}
