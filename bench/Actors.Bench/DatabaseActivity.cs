using Npgsql;

namespace Actors.Bench;

/// <summary>
/// What PostgreSQL did between two readings: write transactions (transaction ids handed out, exact and immediate),
/// commits of any kind and WAL flushes (from the statistics views, which backends update about once a second; hence
/// the pause before the second reading). Nothing when the bench was given no connection string.
/// </summary>
internal sealed class DatabaseActivity(string? connectionString)
{
    /// <summary>Long enough for an idle backend to have flushed its statistics (PostgreSQL waits up to 10 s).</summary>
    public static readonly TimeSpan StatisticsLag = TimeSpan.FromSeconds(11);

    public bool Enabled => connectionString is not null;

    public async Task<DatabaseReading?> Read()
    {
        if (connectionString is null)
        {
            return null;
        }
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                   (SELECT sum(xact_commit)::bigint FROM pg_stat_database),
                   (SELECT wal_sync FROM pg_stat_wal)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DatabaseReading(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>One line per operation, e.g. "PostgreSQL per payment: 3.02 write transactions, ...".</summary>
    public static string? PerOperation(DatabaseReading? before, DatabaseReading? after, long operations, string operation)
    {
        if (before is not { } b || after is not { } a || operations <= 0)
        {
            return null;
        }
        double Per(long delta) => delta / (double)operations;
        return $"PostgreSQL per {operation}: {Per(a.NextTransactionId - b.NextTransactionId):0.00} write transactions, "
            + $"{Per(a.Commits - b.Commits):0.00} commits (all databases, reads included), {Per(a.WalSyncs - b.WalSyncs):0.00} WAL flushes "
            + $"({operations} {operation}s; the bench's own readings add 2 commits)";
    }
}

/// <summary>Cumulative counters of the server at one moment.</summary>
internal readonly record struct DatabaseReading(long NextTransactionId, long Commits, long WalSyncs);
