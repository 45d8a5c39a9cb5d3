using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Webhooks;

/// <summary>The API and a silo that delivers webhooks quickly (<see cref="WebhookTestSettings"/>), and a receiver for them.</summary>
public sealed class WebhookFixture : ApiFixture, IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?>? SiloSettings => WebhookTestSettings.Values;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Receiver = await WebhookReceiver.Start();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>
    /// Registers a new receiver path for <paramref name="events"/> (all when none), answering as <paramref name="answer"/>
    /// says; the endpoint's id and URL.
    /// </summary>
    public async Task<(string Id, string Url)> Register(Func<int, ReceiverAnswer>? answer = null, params string[] events)
    {
        var secret = "whsec_test_" + Guid.NewGuid().ToString("N");
        var url = Receiver.Path(secret, answer);
        var operatorClient = await ClientAs("operator");
        var created = await HttpAssert.Json(await operatorClient.PostAsJsonAsync("/v1/webhooks",
            new { url, events = events.Length == 0 ? Actors.Grains.Webhooks.WebhookEvents.All.ToArray() : events, secret }), HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, url);
    }

    /// <summary>The endpoint's delivery log, first page.</summary>
    public async Task<JsonElement> Deliveries(string webhookId) =>
        await HttpAssert.Json(await (await ClientAs("operator")).GetAsync($"/v1/webhooks/{webhookId}/deliveries"), HttpStatusCode.OK);
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "webhooks";
}
