namespace Actors.Api.Live;

public static class LiveHosting
{
    public static IServiceCollection AddActorsLive(this IServiceCollection services)
    {
        services.AddOptions<LiveSettings>()
            .BindConfiguration(LiveSettings.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSignalR();
        services.AddSingleton<LiveMetrics>();
        services.AddSingleton<CustomerWatchers>();
        services.AddHostedService(provider => provider.GetRequiredService<CustomerWatchers>());
        return services;
    }

    public static IEndpointRouteBuilder MapCustomerHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<CustomerHub>(CustomerHub.Path);
        return app;
    }
}
