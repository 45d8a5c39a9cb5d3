using Actors.Api.Webhooks;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Privacy;
using Actors.Grains.Webhooks;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Tests.Webhooks;

/// <summary>
/// A master key rotation as the README tells operators to do it, with real silos: an endpoint registered under the old
/// key is resealed by the silo that starts with the new one, and still delivers, signed with its secret, once the old
/// key is gone from the configuration.
/// </summary>
public sealed class WebhookKeyRotationTests : IAsyncLifetime
{
    private const string OldId = "rotation-old";
    private const string NewId = "rotation-new";

    /// <summary>32 bytes of 0x33 and of 0x44, base64: test keys, not secrets.</summary>
    private const string OldKey = "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=";

    private const string NewKey = "REREREREREREREREREREREREREREREREREREREREREQ=";

    private readonly string clusterId = "webhook-rotation-" + Guid.NewGuid().ToString("N")[..8];
    private string connectionString = null!;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.Instance.CreateDatabase();
        receiver = await WebhookReceiver.Start();
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static Dictionary<string, string?> Keys(string active, params (string Id, string Key)[] masterKeys)
    {
        var settings = new Dictionary<string, string?>(WebhookTestSettings.Values) { ["Privacy:ActiveMasterKey"] = active };
        foreach (var (id, key) in masterKeys)
        {
            settings[$"Privacy:MasterKeys:{id}"] = key;
        }
        return settings;
    }

    [Fact]
    public async Task An_endpoint_registered_before_a_master_key_rotation_still_delivers_after_the_old_key_is_removed()
    {
        var secret = WebhookRegistration.NewSecret();
        var url = receiver.Path(secret);
        var (draft, _) = WebhookRegistration.Check(url, [WebhookEvents.ConsentChanged], secret);
        var oldRing = new MasterKeyRing(Options.Create(new PrivacySettings
        {
            MasterKeys = new() { [OldId] = OldKey },
            ActiveMasterKey = OldId,
            IdentifierKey = PrivacyTestSettings.IdentifierKey,
        }));
        string endpointId;
        await using (var database = NpgsqlDataSource.Create(connectionString))
        {
            endpointId = (await new WebhookStore(database, new WebhookSecrets(oldRing)).Register(draft!, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
        }
        var stored = new StoredData(connectionString);
        var customerId = CustomerId.New();

        // Before: the old key seals the secret and the customer's data key, and a delivery verifies.
        await RunSilo(Keys(OldId, (OldId, OldKey)), async client =>
        {
            var customer = client.GetGrain<ICustomerGrain>(customerId);
            SampleProfiles.Created(await customer.Create(SampleProfiles.Ada()));
            Assert.IsType<ConsentResult.Current>(await customer.RecordConsent(ConsentPurpose.Marketing, new ConsentDraft(true, "2026-11")));
            await Eventually.Get(() => Task.FromResult(receiver.Acknowledged(url, customerId)), got => got.Count == 1);
        });
        Assert.Equal(OldId, await stored.Query<string>("SELECT secret_key_id FROM webhook_endpoints WHERE id = @id", ("id", endpointId)));

        // The rotation: both keys, the new one active; the silo reseals at start.
        await RunSilo(Keys(NewId, (OldId, OldKey), (NewId, NewKey)), async _ =>
            await Eventually.Get(
                async () => await stored.Scalar("""
                    SELECT (SELECT count(*) FROM webhook_endpoints WHERE secret_key_id <> @new)
                         + (SELECT count(*) FROM customer_keys WHERE master_key_id <> @new)
                    """, ("new", NewId)),
                left => left == 0));
        Assert.Equal(NewId, await stored.Query<string>("SELECT secret_key_id FROM webhook_endpoints WHERE id = @id", ("id", endpointId)));

        // After: the old key is gone; the next event still reaches the endpoint, signed with the secret it registered.
        await RunSilo(Keys(NewId, (NewId, NewKey)), async client =>
        {
            Assert.IsType<ConsentResult.Current>(await client.GetGrain<ICustomerGrain>(customerId)
                .RecordConsent(ConsentPurpose.Marketing, new ConsentDraft(false, "2026-11")));
            var acknowledged = await Eventually.Get(() => Task.FromResult(receiver.Acknowledged(url, customerId)), got => got.Count == 2);
            Assert.All(acknowledged, request => Assert.True(request.SignatureValid));
            Assert.Equal([true, false], acknowledged.Select(request => request.Body.GetProperty("data").GetProperty("granted").GetBoolean()));
        });
    }

    /// <summary>A silo with <paramref name="settings"/> and a client of it for <paramref name="run"/>, both stopped after.</summary>
    private async Task RunSilo(IReadOnlyDictionary<string, string?> settings, Func<IClusterClient, Task> run)
    {
        var silo = await Hosts.StartSilo(connectionString, clusterId, settings: settings);
        try
        {
            var clientHost = await Hosts.StartClient(connectionString, clusterId);
            try
            {
                await run(clientHost.Services.GetRequiredService<IClusterClient>());
            }
            finally
            {
                await clientHost.StopAsync();
                clientHost.Dispose();
            }
        }
        finally
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }
}
