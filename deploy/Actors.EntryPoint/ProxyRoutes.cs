using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace Actors.EntryPoint;

/// <summary>
/// The proxy's routes and clusters, made from <see cref="EntryPointSettings"/>. Two clusters over the same nodes:
/// plain API calls go round-robin; the live hub keeps a client on one node (a cookie), because SignalR's negotiate
/// and the connection that follows must reach the same node. The proxy never retries: a request it forwarded is the
/// client's to retry (with its Idempotency-Key), so nothing is sent twice behind its back.
/// </summary>
public static class ProxyRoutes
{
    public const string ApiCluster = "api";
    public const string LiveCluster = "live";
    public const string HubPath = "/hubs";
    public const string AffinityCookie = ".actors-node";

    /// <summary>The path every node answers ready on, and that the proxy asks.</summary>
    public const string ReadyPath = "/health/ready";

    public static IReadOnlyList<RouteConfig> Routes() =>
    [
        Edge(new() { RouteId = LiveCluster, ClusterId = LiveCluster, Match = new() { Path = HubPath + "/{**rest}" } }),
        // Last in order: anything the entry point does not answer itself (its own /health/*) goes to a node.
        Edge(new() { RouteId = ApiCluster, ClusterId = ApiCluster, Order = int.MaxValue, Match = new() { Path = "/{**rest}" } }),
    ];

    /// <summary>
    /// The entry point is the edge: X-Forwarded-For/-Proto/-Host/-Prefix say what it saw, replacing whatever a client
    /// sent (YARP's default too, spelled out so it cannot change under us), so a client cannot pick the address the
    /// nodes rate-limit and log. Nodes believe these headers only from the entry point (<c>ForwardedHeaders:*</c>).
    /// </summary>
    private static RouteConfig Edge(RouteConfig route) => route.WithTransformXForwarded(xDefault: ForwardedTransformActions.Set);

    public static IReadOnlyList<ClusterConfig> Clusters(EntryPointSettings settings)
    {
        var destinations = settings.Nodes
            .Select((address, index) => (Id: $"node{index + 1}", Config: new DestinationConfig { Address = address }))
            .ToDictionary(node => node.Id, node => node.Config);
        var health = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = settings.HealthEvery,
                Timeout = settings.HealthTimeout,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = ReadyPath,
            },
        };
        return
        [
            new() { ClusterId = ApiCluster, Destinations = destinations, HealthCheck = health, LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin },
            new()
            {
                ClusterId = LiveCluster,
                Destinations = destinations,
                HealthCheck = health,
                // A WebSocket is one long request: the node with the fewest open gets the next connection.
                LoadBalancingPolicy = LoadBalancingPolicies.LeastRequests,
                SessionAffinity = new SessionAffinityConfig
                {
                    Enabled = true,
                    // A hash of the node's id, not a protected payload: any entry point replica reads it without shared keys.
                    Policy = "HashCookie",
                    AffinityKeyName = AffinityCookie,
                    Cookie = new SessionAffinityCookieConfig { Path = HubPath, HttpOnly = true, SameSite = SameSiteMode.Strict },
                },
            },
        ];
    }
}
