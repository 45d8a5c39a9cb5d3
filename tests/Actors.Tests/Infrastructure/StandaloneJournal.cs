using Actors.Silo.Hosting;
using Actors.Silo.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// The silo's own journal (group-commit appender, PostgreSQL tables, Orleans serializer) outside a silo, on one
/// database: to write and read journals directly, as a silo of another process would.
/// </summary>
public sealed class StandaloneJournal : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private StandaloneJournal(string connectionString, TimeProvider clock)
    {
        services = new ServiceCollection().AddSerializer().AddMetrics().BuildServiceProvider();
        Database = SiloDatabase.Create(connectionString);
        Appender = new JournalAppender(Database, services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            NullLogger<JournalAppender>.Instance);
        Journal = new PostgresJournal(Database, Appender, services.GetRequiredService<Serializer>(), clock);
    }

    public SiloDatabase Database { get; }
    public JournalAppender Appender { get; }
    public PostgresJournal Journal { get; }

    public IServiceProvider Services => services;

    public static StandaloneJournal Open(string connectionString, TimeProvider? clock = null) => new(connectionString, clock ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        await Appender.DisposeAsync();
        await Database.DisposeAsync();
        await services.DisposeAsync();
    }
}
