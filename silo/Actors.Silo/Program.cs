using Actors.Grains.Hosting;
using Actors.Silo.Hosting;
using Actors.Silo.Schema;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

if (args is ["migrate", ..])
{
    var applied = await new SchemaMigrator(PostgresConnection.ForProviders(builder.Configuration.PostgresConnectionString())).Apply();
    Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied: {string.Join(", ", applied)}");
    return;
}

builder.UseOrleans(silo => silo.UseActorsCluster(builder.Configuration));
builder.Services.AddHealthChecks()
    .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
    .AddCheck<SiloActiveHealthCheck>("silo", tags: ["ready"]);

var app = builder.Build();
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.Run();
