using Actors.Grains.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Dashboard;

namespace Actors.Silo.Hosting;

public static class SiloTelemetry
{
    /// <summary>
    /// Orleans' silo meters and the project's (journal, payments) for <c>/metrics</c>, grain calls that carry their
    /// caller's trace, and, when an OTLP endpoint is configured, traces of grain calls and PostgreSQL commands.
    /// </summary>
    public static ISiloBuilder AddActorsTelemetry(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddActivityPropagation();
        // What the Orleans Dashboard (served by the API nodes) shows: grain and silo statistics.
        silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        var telemetry = silo.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("actors-silo"))
            .WithMetrics(metrics => metrics.AddActorsMeters().AddPrometheusExporter());
        if (configuration.OtlpEndpoint() is { } endpoint)
        {
            var overHttp = configuration.OtlpOverHttp();
            telemetry.WithTracing(tracing => tracing.AddActorsTracing(endpoint, overHttp));
        }
        return silo;
    }
}
