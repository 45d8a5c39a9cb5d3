using Actors.Grains.Hosting;
using Npgsql;

namespace Actors.Silo.Hosting;

/// <summary>
/// The silo's one pool of PostgreSQL connections, shared by the customer journal and the sandbox gateway. A type of
/// its own, so it is never mistaken for another <see cref="NpgsqlDataSource"/> someone registers in the same container.
/// </summary>
public sealed class SiloDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>A pooled data source for <paramref name="connectionString"/>, tuned as every host tunes it, with the data source's share of the connections.</summary>
    public static SiloDatabase Create(string connectionString) =>
        new(NpgsqlDataSource.Create(PostgresConnection.ForDataSource(PostgresConnection.Tune(connectionString))));

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
