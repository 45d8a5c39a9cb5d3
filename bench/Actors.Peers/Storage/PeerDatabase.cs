using Npgsql;

namespace Actors.Peers.Storage;

/// <summary>
/// The peers' own database on the platform's PostgreSQL server (<c>Peers:Database</c>, default <c>actors_peers</c>),
/// reached with the connection settings the platform uses: pooled, with <c>No Reset On Close</c> and automatic preparation of repeated statements.
/// </summary>
public sealed class PeerDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>
    /// Creates the database when the server lacks it, then its tables; safe to run at every start. Only one peer
    /// process starts at a time, so the schema needs no migration bookkeeping of its own.
    /// </summary>
    public static async Task<PeerDatabase> Open(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        await using (var server = new NpgsqlConnection(serverConnectionString))
        {
            await server.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", server);
            exists.Parameters.Add(new() { Value = database });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                try
                {
                    // A database name cannot be a parameter; quoting it as an identifier keeps it one.
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", server);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                }
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString)
        {
            Database = database,
            NoResetOnClose = true,
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
        };
        var peers = new PeerDatabase(NpgsqlDataSource.Create(builder.ConnectionString));
        await using var schema = peers.DataSource.CreateCommand(PeerSchema.Sql);
        await schema.ExecuteNonQueryAsync(cancellationToken);
        return peers;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
