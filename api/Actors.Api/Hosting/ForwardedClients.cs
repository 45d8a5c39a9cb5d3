using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Actors.Api.Hosting;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> an API node believes (section
/// <c>ForwardedHeaders</c>): the entry point, the compose network's entry, the Ingress controller. From anyone else the
/// headers are ignored, so a client cannot choose the address its rate limits, logs and metrics see.
/// </summary>
public sealed class ForwardedClientSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>127.0.0.1</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.244.0.0/16</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public bool TrustsAnyProxy => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class ForwardedClients
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services)
    {
        services.AddOptions<ForwardedClientSettings>()
            .BindConfiguration(ForwardedClientSettings.Section)
            .Validate(settings => settings.KnownProxies.All(address => IPAddress.TryParse(address, out _)),
                "ForwardedHeaders:KnownProxies must list IP addresses, e.g. 127.0.0.1.")
            .Validate(settings => settings.KnownNetworks.All(network => System.Net.IPNetwork.TryParse(network, out _)),
                "ForwardedHeaders:KnownNetworks must list networks in CIDR notation, e.g. 10.244.0.0/16.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedClientSettings>>((options, configured) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in configured.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(address));
            }
            foreach (var network in configured.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            // One hop: the address the trusted proxy saw, never one a client wrote before it.
            options.ForwardLimit = 1;
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so everything after it sees the client's address. Not installed at all when no proxy is
    /// trusted: the middleware with empty lists would believe every sender.
    /// </summary>
    public static IApplicationBuilder UseForwardedClients(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<ForwardedClientSettings>>().Value.TrustsAnyProxy
            ? app.UseForwardedHeaders()
            : app;
}
