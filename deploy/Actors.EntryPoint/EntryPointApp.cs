using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Actors.EntryPoint;

public static class EntryPointApp
{
    /// <summary>The entry point host: settings from the usual sources (appsettings, environment, command line).</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddOptions<EntryPointSettings>()
            .BindConfiguration(EntryPointSettings.Section)
            .ValidateDataAnnotations()
            .Validate(settings => settings.Nodes.All(node => Uri.TryCreate(node, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "EntryPoint:Nodes must list each API node's absolute http(s) address.")
            .ValidateOnStart();
        var settings = builder.Configuration.GetSection(EntryPointSettings.Section).Get<EntryPointSettings>() ?? new();
        builder.Services.AddReverseProxy().LoadFromMemory(ProxyRoutes.Routes(), ProxyRoutes.Clusters(settings));
        builder.Services.AddHealthChecks().AddCheck<AnyNodeReady>("nodes", tags: ["ready"]);

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ProxyRoutes.ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(NoNodeProblem.Answer);
            // YARP's default steps, kept in their order.
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }
}

/// <summary>Ready while at least one API node last answered its own readiness check.</summary>
public sealed class AnyNodeReady(IProxyStateLookup proxy, IOptions<EntryPointSettings> settings) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var ready = proxy.TryGetCluster(ProxyRoutes.ApiCluster, out var cluster)
            ? cluster.Destinations.Values.Count(node => node.Health.Active == DestinationHealth.Healthy)
            : 0;
        var total = settings.Value.Nodes.Length;
        return Task.FromResult(ready > 0
            ? HealthCheckResult.Healthy($"{ready} of {total} API node(s) ready.")
            : HealthCheckResult.Unhealthy($"None of {total} API node(s) is ready."));
    }
}
