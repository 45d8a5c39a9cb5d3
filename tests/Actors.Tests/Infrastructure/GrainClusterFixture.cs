using Actors.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// One in-process Orleans cluster per test collection, with the real journal, grain storage and reminders on a fresh
/// PostgreSQL database and a clock the tests move. Tests use unique customer ids, so they share it safely.
/// </summary>
public class GrainClusterFixture : IAsyncLifetime
{
    /// <summary>Snapshots come often here, so grain tests load customers from snapshots and from events alike.</summary>
    public const int SnapshotEvery = 5;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>
    /// Moves the clock on by <paramref name="step"/> until <paramref name="pending"/> completes: for a call that waits
    /// on the grain's clock (a gateway timeout), without waiting for real time to pass.
    /// </summary>
    public async Task<T> AdvanceUntil<T>(Task<T> pending, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!pending.IsCompleted && DateTime.UtcNow < deadline)
        {
            Clock.Advance(step);
            await Task.WhenAny(pending, Task.Delay(20));
        }
        return await pending;
    }

    /// <summary>
    /// <see cref="AdvanceUntil"/>, once <paramref name="atGateway"/> says the gateway has recorded the call: moving the
    /// clock first could time the call out before it reaches the gateway on a busy machine, which is another scenario.
    /// </summary>
    public async Task<T> AdvanceOnceAtGateway<T>(Task<T> pending, Func<Task<long>> atGateway, TimeSpan step)
    {
        await Eventually.Get(atGateway, recorded => recorded > 0);
        return await AdvanceUntil(pending, step);
    }

    /// <summary>Settings a fixture of its own adds to the silo's.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.Instance.CreateDatabase();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(PaymentTestSettings.Values)
            .AddInMemoryCollection([new("Journal:SnapshotEvery", SnapshotEvery.ToString())])
            .AddInMemoryCollection(Settings));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddActorsPersistence(ConnectionString).AddActorsPayments(ConnectionString);
            silo.Services.AddSingleton<TimeProvider>(Clock);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
