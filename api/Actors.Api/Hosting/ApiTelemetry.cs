using Actors.Grains.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Actors.Api.Hosting;

public static class ApiTelemetry
{
    /// <summary>
    /// Metrics for <c>/metrics</c> (ASP.NET Core's, Orleans' client, the project's) and, when an OTLP endpoint is
    /// configured, traces from each request through its grain calls to PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddActorsTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("actors-api"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddActorsMeters()
                .AddPrometheusExporter());
        if (builder.Configuration.OtlpEndpoint() is { } endpoint)
        {
            var overHttp = builder.Configuration.OtlpOverHttp();
            telemetry.WithTracing(tracing => tracing
                // Scrapes and probes would be most of the spans and tell nothing.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsManagement(context.Request.Path))
                .AddActorsTracing(endpoint, overHttp));
        }
        return builder;
    }

    private static bool IsManagement(PathString path) =>
        path.StartsWithSegments(ManagementEndpoints.MetricsPath) || path.StartsWithSegments("/health");
}
