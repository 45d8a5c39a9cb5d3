using System.Diagnostics;
using Actors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Actors.Tests.Faults;

/// <summary>
/// A silo process and an API node on a PostgreSQL server of the test's own, under a steady load of payments; the
/// server is stopped (<c>pg_ctl -m fast</c>: connections cut, in-flight transactions rolled back) and started again.
/// Meanwhile callers get 503 problem details with Retry-After, never a 500 and never a hang; once it is back,
/// payments succeed again without any host being restarted, and nothing acknowledged is lost.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    private TestPostgres.OwnServer postgres = null!;
    private ProcessCluster cluster = null!;

    public async Task InitializeAsync()
    {
        postgres = TestPostgres.StartOwn();
        cluster = await ProcessCluster.Start(silos: 1, apiNodes: 1, connectionString: await postgres.Server.CreateDatabase());
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        postgres.Stop();
    }

    [Fact(Timeout = 180_000)]
    public async Task Payments_during_a_database_restart_get_503_and_recover_by_themselves_losing_nothing_acknowledged()
    {
        var payers = await PayingCustomers.Create(cluster, count: 30, amount: 1_000, paymentsUnderCap: 1_000);
        using var stop = new CancellationTokenSource();
        var load = payers.Payers.SelectMany(payer => new[] { 0, 0 }.Select(async node =>
        {
            while (!stop.IsCancellationRequested)
            {
                await payers.Pay(payer, node, TimeSpan.FromSeconds(90));
            }
        })).ToList();
        await Eventually.Get(() => Task.FromResult(payers.Acknowledged.Count), count => count >= 60, TimeSpan.FromSeconds(90));

        var acknowledgedBefore = payers.Acknowledged.Count;
        postgres.Stop();
        await Task.Delay(Outage);
        var duringOutage = payers.Acknowledged.Count - acknowledgedBefore;
        var unavailableDuringOutage = payers.Outcomes.Of("503 /errors/unavailable");
        postgres.Start();
        var clock = Stopwatch.StartNew();
        var atRestart = payers.Acknowledged.Count;
        await Eventually.Get(() => Task.FromResult(payers.Acknowledged.Count), count => count > atRestart, TimeSpan.FromSeconds(60));
        var recovered = clock.Elapsed;
        await Eventually.Get(() => Task.FromResult(payers.Acknowledged.Count), count => count >= atRestart + 60, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var succeeded = await payers.Verify(cluster.Stored, TimeSpan.FromSeconds(60));

        output.WriteLine($"PostgreSQL stopped (-m fast) for {Outage.TotalSeconds:0} s under load: {unavailableDuringOutage} answers of 503 by the " +
            $"end of the outage, {duringOutage} payments acknowledged during it (committed before the stop); the first payment " +
            $"succeeded {recovered.TotalSeconds:0.0} s after the server was back.");
        output.WriteLine($"Payments: {payers.Acknowledged.Count} acknowledged, {succeeded} succeeded (journal = state = gateway charges).");
        output.WriteLine($"Requests: {payers.Outcomes}");
        output.WriteLine($"Contract breaks: {string.Join(" | ", payers.Outcomes.Violations.Distinct().Take(10))}");

        Assert.True(unavailableDuringOutage > 0, "no request met the outage: the test did not test it");
        Assert.Empty(payers.Outcomes.Violations);
    }
}
