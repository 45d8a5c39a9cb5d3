using Actors.Grains.Hosting;
using Actors.Grains.Privacy;
using Actors.Silo.Hosting;
using Actors.Silo.Schema;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

if (args is ["migrate", ..])
{
    // The master keys seal what an upgrade finds in plaintext; without them the migrator refuses only when there is some.
    var privacy = builder.Configuration.GetSection(PrivacySettings.Section).Get<PrivacySettings>() ?? new PrivacySettings();
    var masterKeys = privacy.Problems().Count == 0 ? new MasterKeyRing(Options.Create(privacy)) : null;
    var applied = await new SchemaMigrator(PostgresConnection.ForProviders(builder.Configuration.PostgresConnectionString()), masterKeys).Apply();
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
