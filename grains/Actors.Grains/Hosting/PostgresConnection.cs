using Npgsql;

namespace Actors.Grains.Hosting;

/// <summary>The one PostgreSQL connection string every host and provider uses, shaped for Orleans' ADO.NET providers.</summary>
public static class PostgresConnection
{
    /// <summary>The ADO.NET invariant Orleans uses to pick its PostgreSQL queries.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Adds <c>No Reset On Close</c>: Orleans' providers open a pooled connection per query, and skipping the
    /// DISCARD ALL round-trip on every return to the pool measured about +50% durable writes per second. It also keeps
    /// each connection's prepared statements, so every statement run a few times is prepared once per connection
    /// (<c>Max Auto Prepare</c>): PostgreSQL then no longer parses and plans the same journal append thousands of times a second.
    /// With <paramref name="maxConnections"/>, the pool holds at most that many; a burst then waits for a free one at most
    /// <see cref="PoolWaitSeconds"/> and fails (503 + Retry-After at the API) rather than exhausting the server.
    /// </summary>
    public static string Tune(string connectionString, int? maxConnections = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 };
        if (maxConnections is { } max)
        {
            builder.MaxPoolSize = max;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, max);
            builder.Timeout = PoolWaitSeconds;
        }
        return builder.ConnectionString;
    }

    /// <summary>How long a request waits for a pooled connection (or a new one) before it is told to retry.</summary>
    public const int PoolWaitSeconds = 5;

    /// <summary>
    /// A process has two pools on one server: Orleans' ADO.NET providers (membership, reminders, grain storage, health
    /// checks, the migrator), which open connections by string, and the process's own data source (journal, gateway,
    /// catalog, history). The string's <c>Maximum Pool Size</c> is the process's total; these split it, a quarter (at
    /// least one) to the providers, so the two together never hold more.
    /// </summary>
    public static string ForProviders(string connectionString) => WithPool(connectionString, share => share.Providers);

    /// <inheritdoc cref="ForProviders"/>
    public static string ForDataSource(string connectionString) => WithPool(connectionString, share => share.DataSource);

    private static string WithPool(string connectionString, Func<(int Providers, int DataSource), int> pick)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var total = builder.MaxPoolSize;
        var providers = Math.Max(1, total / 4);
        builder.MaxPoolSize = Math.Max(1, pick((providers, total - providers)));
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return builder.ConnectionString;
    }

    /// <summary>True when PostgreSQL answers a trivial query within the caller's deadline.</summary>
    public static async Task<bool> IsReachable(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
