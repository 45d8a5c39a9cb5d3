using Actors.Grains.Webhooks;

namespace Actors.Silo.Webhooks;

public static class WebhookHosting
{
    /// <summary>The <c>Webhooks</c> settings (validated at start) and the silo's dispatcher with its HTTP client and the opener of endpoints' sealed secrets.</summary>
    public static IServiceCollection AddActorsWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookSettings>().BindConfiguration(WebhookSettings.Section).ValidateDataAnnotations()
            .Validate(settings => settings.FirstRetryDelay <= settings.MaxRetryDelay, "Webhooks:FirstRetryDelay must not exceed Webhooks:MaxRetryDelay.")
            .ValidateOnStart();
        // The attempt's own timeout bounds each call; redirects are not followed, so a delivery goes where it was registered.
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<WebhookSecrets>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
