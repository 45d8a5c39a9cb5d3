using Actors.Api.Webhooks;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Webhooks;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Actors.Tests.Webhooks;

/// <summary>
/// A silo process killed with SIGKILL while a receiver holds its delivery open: the event, and those of the customer
/// queued behind it, still arrive, from the silo that is left once the dead one's lease runs out, in order and with their ids.
/// </summary>
public sealed class WebhookCrashTests : IAsyncLifetime
{
    // The held attempt outlasts the second silo's start even on a loaded machine, so the first silo is killed while it still
    // waits for the answer; the other silo resends once the lease (twice the timeout) runs out.
    private static readonly Dictionary<string, string?> Settings = new(WebhookTestSettings.Values) { ["Webhooks:Timeout"] = "00:01:00" };

    private readonly string clusterId = "webhook-crash-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<SiloProcess> silos = [];
    private string connectionString = null!;
    private IHost clientHost = null!;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.Instance.CreateDatabase();
        silos.Add(await SiloProcess.Start(connectionString, clusterId, Settings));
        clientHost = await Hosts.StartClient(connectionString, clusterId);
        receiver = await WebhookReceiver.Start();
    }

    public async Task DisposeAsync()
    {
        await clientHost.StopAsync();
        clientHost.Dispose();
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_killed_mid_delivery_loses_no_event_and_the_next_silo_sends_them_in_order()
    {
        var secret = WebhookRegistration.NewSecret();
        // The first request is held open until the silo sending it is dead; everything after is acknowledged.
        var url = receiver.Path(secret, attempt => attempt == 0 ? ReceiverAnswer.Hang : ReceiverAnswer.Acknowledge);
        await using (var database = NpgsqlDataSource.Create(connectionString))
        {
            var (draft, _) = WebhookRegistration.Check(url, [WebhookEvents.ConsentChanged], secret);
            Assert.NotNull(await new WebhookStore(database, new WebhookSecrets(PrivacyTestSettings.MasterKeys)).Register(draft!, DateTimeOffset.UtcNow, CancellationToken.None));
        }
        var client = clientHost.Services.GetRequiredService<IClusterClient>();
        var customerId = CustomerId.New();
        var customer = client.GetGrain<ICustomerGrain>(customerId);
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
        foreach (var (purpose, granted) in new[] { (ConsentPurpose.Marketing, true), (ConsentPurpose.Analytics, true), (ConsentPurpose.Marketing, false) })
        {
            Assert.IsType<ConsentResult.Current>(await customer.RecordConsent(purpose, new ConsentDraft(granted, "2026-11")));
        }
        var held = await Eventually.Get(() => Task.FromResult(receiver.At(url, customerId)), got => got.Count == 1);

        // The second silo joins while the first is alive (a silo does not join a cluster whose only member is dead).
        silos.Add(await SiloProcess.Start(connectionString, clusterId, Settings));
        Assert.Single(receiver.At(url, customerId));
        silos[0].Kill();

        var acknowledged = await Eventually.Get(() => Task.FromResult(receiver.Acknowledged(url, customerId)), got => got.Count == 3, TimeSpan.FromMinutes(3));
        Assert.Equal(held[0].EventId, acknowledged[0].EventId);
        Assert.Equal(held[0].RawBody, acknowledged[0].RawBody);
        Assert.Equal(acknowledged.Select(request => request.Sequence).Order(), acknowledged.Select(request => request.Sequence));
        Assert.Equal([true, true, false], acknowledged.Select(request => request.Body.GetProperty("data").GetProperty("granted").GetBoolean()));
        Assert.All(acknowledged, request => Assert.True(request.SignatureValid));
    }
}
