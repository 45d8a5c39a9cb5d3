using Microsoft.Extensions.Configuration;

namespace Actors.Grains.Hosting;

/// <summary>Configuration every host reads the same way, so the local start, compose and Kubernetes share keys.</summary>
public static class HostConfiguration
{
    /// <summary>The section bound to Orleans' <c>ClusterOptions</c> (ClusterId, ServiceId) on silos and clients.</summary>
    public const string OrleansSection = "Orleans";

    /// <summary>The tuned PostgreSQL connection string, or a start-up failure that names the missing key.</summary>
    public static string PostgresConnectionString(this IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(StorageNames.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{StorageNames.ConnectionStringName} is not set: give it the PostgreSQL connection string " +
                $"(environment variable ConnectionStrings__{StorageNames.ConnectionStringName}).");
        }
        return PostgresConnection.Tune(value);
    }
}
