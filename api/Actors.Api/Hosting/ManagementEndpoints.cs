using System.ComponentModel.DataAnnotations;
using Actors.Api.Auth;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Actors.Api.Hosting;

/// <summary>Where operators' endpoints are served and how the API names itself (section <c>Management</c>).</summary>
public sealed class ManagementSettings
{
    public const string Section = "Management";

    /// <summary>
    /// The port (one of the node's <c>Urls</c>) that alone serves <c>/metrics</c>, unauthenticated, for a scraper on a
    /// private network. Without one, <c>/metrics</c> is on the public port for operators' tokens only.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The address clients reach this API at, named in the OpenAPI document; none is named without it.</summary>
    [Url]
    public string? PublicUrl { get; set; }
}

public static class ManagementEndpoints
{
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";

    public static IServiceCollection AddActorsManagement(this IServiceCollection services)
    {
        services.AddOptions<ManagementSettings>().BindConfiguration(ManagementSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddActorsApiReference();
    }

    public static IEndpointRouteBuilder MapActorsMetrics(this IEndpointRouteBuilder app)
    {
        var settings = app.ServiceProvider.GetRequiredService<IOptions<ManagementSettings>>().Value;
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsPath);
        if (settings.Port is { } port)
        {
            metrics.RequireHost($"*:{port}");
        }
        else
        {
            metrics.RequireAuthorization(Policies.ReadMetrics);
        }
        return app;
    }

    /// <summary>The Orleans Dashboard (grains, silos, reminders) under <see cref="DashboardPath"/>, for operators.</summary>
    public static IEndpointRouteBuilder MapOrleansDashboardForOperators(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policies.OperateCluster).ExcludeFromDescription();
        ((IEndpointConventionBuilder)dashboard).Add(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder { RoutePattern: { } pattern, RequestDelegate: { } serve })
            {
                return;
            }
            // Its grain-state view would open any customer's decrypted state, unjournaled: that goes through export and support reads only.
            if (pattern.RawText?.EndsWith("/GrainState", StringComparison.Ordinal) == true)
            {
                endpoint.RequestDelegate = NotFound;
            }
            // Its silo views parse the address from the path and fail on anything else: a hostile path is a 404, not a 500.
            else if (pattern.Parameters.FirstOrDefault(parameter =>
                parameter.Name == "address" || (parameter.Name == "path" && pattern.RawText!.Contains("/HistoricalStats/", StringComparison.Ordinal))) is { } siloParameter)
            {
                endpoint.RequestDelegate = http => IsSiloAddress(http.GetRouteValue(siloParameter.Name) as string) ? serve(http) : NotFound(http);
            }
        });
        return app;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static bool IsSiloAddress(string? text)
    {
        try
        {
            return text is { Length: > 0 } && SiloAddress.FromParsableString(text) is not null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }
}
