using Microsoft.Extensions.Configuration;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Actors.Grains.Hosting;

/// <summary>What every host traces and meters, and where it sends traces (section <c>OpenTelemetry</c>).</summary>
public static class Telemetry
{
    /// <summary>The project's meter and activity source.</summary>
    public const string SourceName = Payments.PaymentMetrics.MeterName;

    /// <summary>Orleans' meter (silo and client instruments).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Orleans' activity sources: grain calls made by application code, and the runtime's own. Grain calls carry the
    /// trace only where <c>AddActivityPropagation</c> is on, on the client and on every silo.
    /// </summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>The OTLP collector traces go to; without one no trace is recorded at all (no exporter, no sampling).</summary>
    public const string OtlpEndpointKey = "OpenTelemetry:Otlp:Endpoint";

    /// <summary><c>grpc</c> (the default, port 4317) or <c>http/protobuf</c> (port 4318, path <c>/v1/traces</c>).</summary>
    public const string OtlpProtocolKey = "OpenTelemetry:Otlp:Protocol";

    /// <summary>The project's meter and Orleans': what both hosts export beside their own instrumentation.</summary>
    public static MeterProviderBuilder AddActorsMeters(this MeterProviderBuilder metrics) => metrics.AddMeter(OrleansMeter, SourceName);

    /// <summary>
    /// Grain calls, the project's own spans (a journal commit) and every PostgreSQL command (Npgsql's spans carry the
    /// statement with its placeholders, never a parameter's value), sent to <see cref="OtlpEndpointKey"/>.
    /// </summary>
    public static TracerProviderBuilder AddActorsTracing(this TracerProviderBuilder tracing, Uri otlpEndpoint, bool overHttp) => tracing
        .AddSource(OrleansSources)
        .AddSource(SourceName)
        .AddNpgsql()
        .AddOtlpExporter(otlp =>
        {
            otlp.Endpoint = otlpEndpoint;
            otlp.Protocol = overHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        });

    public static Uri? OtlpEndpoint(this IConfiguration configuration) =>
        configuration[OtlpEndpointKey] is { Length: > 0 } endpoint
            ? Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute URL (it is '{endpoint}').")
            : null;

    public static bool OtlpOverHttp(this IConfiguration configuration) =>
        configuration[OtlpProtocolKey] switch
        {
            null or "" or "grpc" => false,
            "http/protobuf" => true,
            var other => throw new InvalidOperationException($"{OtlpProtocolKey} must be grpc or http/protobuf (it is '{other}')."),
        };
}
