using Actors.Grains.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Silo.Hosting;

/// <summary>Ready only while PostgreSQL answers: without it no grain can load or save state.</summary>
public sealed class PostgresHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await PostgresConnection.IsReachable(PostgresConnection.ForProviders(configuration.PostgresConnectionString()), cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
}

/// <summary>Ready only while this silo is an active member of the cluster.</summary>
public sealed class SiloActiveHealthCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"Silo is {membership.CurrentStatus}."));
}
