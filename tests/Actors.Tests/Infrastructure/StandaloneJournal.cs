using Actors.Grains.Privacy;
using Actors.Silo.Hosting;
using Actors.Silo.Journal;
using Microsoft.Extensions.Configuration;
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

    private StandaloneJournal(string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string?> privacy)
    {
        Database = SiloDatabase.Create(connectionString);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(privacy).Build();
        services = new ServiceCollection().AddSerializer().AddMetrics().AddSingleton<IConfiguration>(configuration)
            .AddActorsPrivacy(_ => Database.DataSource).BuildServiceProvider();
        Appender = new JournalAppender(Database, services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            NullLogger<JournalAppender>.Instance);
        Keys = services.GetRequiredService<CustomerKeys>();
        Journal = new PostgresJournal(Database, Appender, services.GetRequiredService<Serializer>(), Keys, clock);
    }

    public SiloDatabase Database { get; }
    public JournalAppender Appender { get; }
    public PostgresJournal Journal { get; }
    public CustomerKeys Keys { get; }

    public IServiceProvider Services => services;

    /// <param name="privacy">The <c>Privacy</c> keys, when not the <see cref="PrivacyTestSettings"/> ones (a rotation).</param>
    public static StandaloneJournal Open(string connectionString, TimeProvider? clock = null, IReadOnlyDictionary<string, string?>? privacy = null) =>
        new(connectionString, clock ?? TimeProvider.System, privacy ?? PrivacyTestSettings.Values);

    public async ValueTask DisposeAsync()
    {
        await Appender.DisposeAsync();
        await Database.DisposeAsync();
        await services.DisposeAsync();
    }
}
