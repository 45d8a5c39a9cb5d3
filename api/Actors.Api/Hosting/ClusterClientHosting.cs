using Actors.Grains.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Actors.Api.Hosting;

public static partial class ClusterClientHosting
{
    /// <summary>Orleans' client messaging options, e.g. <c>Orleans:Messaging:ResponseTimeout</c>.</summary>
    public const string MessagingSection = HostConfiguration.OrleansSection + ":Messaging";

    /// <summary>
    /// How long a grain call waits for its answer. It outlasts the slowest honest call (a confirm: two commits and a
    /// gateway call of at most 5 s) and is the bound on how long a request to a silo that just died waits for its 503.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(8);

    /// <summary>An Orleans client that finds the silos through the membership table in PostgreSQL.</summary>
    public static IHostApplicationBuilder AddActorsClusterClient(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.PostgresConnectionString();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(builder.Configuration.GetSection(HostConfiguration.OrleansSection));
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresConnection.Invariant;
                options.ConnectionString = PostgresConnection.ForProviders(connectionString);
            });
            client.UseConnectionRetryFilter<RetryUntilStopped>();
            // A call to a silo that died unanswered fails after this, not Orleans' 30 s: the caller gets 503 + Retry-After.
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
            client.Configure<ClientMessagingOptions>(builder.Configuration.GetSection(MessagingSection));
            // Grain calls carry the request's trace to the silos (spans only when tracing is on).
            client.AddActivityPropagation();
            // The Orleans Dashboard is served by API nodes (ManagementEndpoints); its live log stream stays off, as logs are not for browsers.
            client.AddDashboard(dashboard => dashboard.HideTrace = true);
            // A silo that (re)started after this node read the gateway list is found within seconds, not a minute.
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        });
        return builder;
    }

    /// <summary>The API may start before any silo: keep trying to reach the cluster until the host stops.</summary>
    private sealed partial class RetryUntilStopped(ILogger<RetryUntilStopped> log) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogWaiting(log, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the cluster: {Reason}")]
        private static partial void LogWaiting(ILogger logger, string reason);
    }
}
