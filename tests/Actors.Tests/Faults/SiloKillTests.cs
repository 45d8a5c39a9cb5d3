using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Actors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Actors.Tests.Faults;

/// <summary>
/// Two silo processes and two API nodes under a steady load of payments; the silo holding a share of the customers is
/// killed with SIGKILL. Its customers must be served again within seconds (the production failure detection, see
/// <c>FailureDetection</c>), callers meanwhile told 503 + Retry-After rather than left hanging, and nothing
/// acknowledged lost or charged twice when a device retries the confirm that was in flight.
/// </summary>
public sealed class SiloKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The goal: a dead silo's customers are served again within this.</summary>
    private static readonly TimeSpan ServedAgainWithin = TimeSpan.FromSeconds(10);

    private ProcessCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ProcessCluster.Start(silos: 2, apiNodes: 2);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact(Timeout = 180_000)]
    public async Task A_silo_killed_under_load_loses_no_acknowledged_payment_and_its_customers_are_served_again_within_seconds()
    {
        var payers = await PayingCustomers.Create(cluster, count: 40, amount: 1_000, paymentsUnderCap: 1_000);
        using var stop = new CancellationTokenSource();
        var load = payers.Payers.SelectMany(payer => new[] { 0, 1 }.Select(async node =>
        {
            while (!stop.IsCancellationRequested)
            {
                await payers.Pay(payer, node, TimeSpan.FromSeconds(60));
            }
        })).ToList();
        await Eventually.Get(() => Task.FromResult(payers.Acknowledged.Count), count => count >= 120, TimeSpan.FromSeconds(90));

        var dying = cluster.Silos[0];
        var affected = new List<PayingCustomers.Payer>();
        foreach (var payer in payers.Payers)
        {
            if (await cluster.HostOf(payer.Id) == dying)
            {
                affected.Add(payer);
            }
        }
        var acknowledgedBefore = payers.Acknowledged.Count;
        var clock = Stopwatch.StartNew();
        dying.Kill();
        cluster.Silos.Remove(dying);

        // Each affected customer's device reads its limits, retrying as told, until it is answered.
        var served = new ConcurrentBag<TimeSpan>();
        var reads = new Outcomes();
        await Task.WhenAll(affected.Select(async payer =>
        {
            var (status, _) = await PatientClient.Send(payer.Clients[1], () => new HttpRequestMessage(HttpMethod.Get, payer.Base + "/limits"),
                reads, TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, status);
            served.Add(clock.Elapsed);
        }));
        // Payments go on a while after recovery, on the survivor.
        var acknowledgedAtRecovery = payers.Acknowledged.Count;
        await Eventually.Get(() => Task.FromResult(payers.Acknowledged.Count), count => count >= acknowledgedAtRecovery + 40, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var succeeded = await payers.Verify(cluster.Stored, TimeSpan.FromSeconds(60));

        var slowest = served.Max();
        output.WriteLine($"SIGKILL of one of two silos under load: {affected.Count} of {payers.Payers.Count} customers were on it; " +
            $"all served again {slowest.TotalSeconds:0.0} s after the kill (median {served.Order().ElementAt(served.Count / 2).TotalSeconds:0.0} s).");
        output.WriteLine($"Payments: {acknowledgedBefore} acknowledged before the kill, {payers.Acknowledged.Count} in all, {succeeded} succeeded " +
            $"(journal = state = gateway charges), {payers.Refused} refused at the cap.");
        output.WriteLine($"Payment requests: {payers.Outcomes}");
        output.WriteLine($"Affected customers' reads: {reads}");
        output.WriteLine($"Contract breaks: {string.Join(" | ", payers.Outcomes.Violations.Concat(reads.Violations).Distinct().Take(10))}");

        Assert.NotEmpty(affected);
        Assert.Empty(payers.Outcomes.Violations.Concat(reads.Violations));
        Assert.True(slowest <= ServedAgainWithin, $"the dead silo's customers were served again only after {slowest.TotalSeconds:0.0} s");
    }
}
