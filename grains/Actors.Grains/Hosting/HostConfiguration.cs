using Microsoft.Extensions.Configuration;

namespace Actors.Grains.Hosting;

/// <summary>Configuration every host reads the same way, so the local start, compose and Kubernetes share keys.</summary>
public static class HostConfiguration
{
    /// <summary>The section bound to Orleans' <c>ClusterOptions</c> (ClusterId, ServiceId) on silos and clients.</summary>
    public const string OrleansSection = "Orleans";

    /// <summary>The key of the most PostgreSQL connections one process holds (all its pools share one connection string).</summary>
    public const string MaxConnectionsKey = "Postgres:MaxConnections";

    /// <summary>
    /// Two silos and two API nodes at this default hold at most 80 connections, inside a stock server's 100 (which
    /// keeps 3 for superusers).
    /// </summary>
    public const int DefaultMaxConnections = 20;

    /// <summary>
    /// The tuned PostgreSQL connection string, holding at most <see cref="MaxConnectionsKey"/> connections, or a
    /// start-up failure that names the missing key.
    /// </summary>
    public static string PostgresConnectionString(this IConfiguration configuration)
    {
        var maxConnections = configuration.GetValue(MaxConnectionsKey, DefaultMaxConnections);
        if (maxConnections is < 2 or > 1000)
        {
            throw new InvalidOperationException($"{MaxConnectionsKey} must be between 2 and 1000 (it is {maxConnections}).");
        }
        var value = configuration.GetConnectionString(StorageNames.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{StorageNames.ConnectionStringName} is not set: give it the PostgreSQL connection string " +
                $"(environment variable ConnectionStrings__{StorageNames.ConnectionStringName}).");
        }
        return PostgresConnection.Tune(value, maxConnections);
    }
}
