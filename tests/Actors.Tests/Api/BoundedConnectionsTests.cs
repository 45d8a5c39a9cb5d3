using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using Npgsql;

namespace Actors.Tests.Api;

/// <summary>A burst never holds more PostgreSQL connections than configured, and what it cannot serve it sheds with a retryable 503.</summary>
public sealed class BoundedConnectionsTests
{
    private const int MaxConnections = 8;

    [Fact]
    public async Task A_burst_holds_at_most_the_configured_connections_and_fails_only_with_retryable_503s()
    {
        var database = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "bounded-" + Guid.NewGuid().ToString("N")[..8];
        var bound = new Dictionary<string, string?> { ["Postgres:MaxConnections"] = MaxConnections.ToString() };
        using var silo = await Hosts.StartSilo(database, clusterId, settings: bound);
        var apiSettings = ApiFixture.NodeSettings(database, clusterId, devTokens: true);
        apiSettings["Postgres:MaxConnections"] = MaxConnections.ToString();
        await using var api = new ApiFactory(apiSettings);
        api.UseKestrel(0);
        api.StartServer();
        var client = await ApiFixture.ClientAs(api, "operator");
        var id = await ApiCustomers.Create(client);

        using var sampling = new CancellationTokenSource();
        var sampler = MostConnectionsHeld(database, sampling.Token);
        var statuses = new ConcurrentBag<(HttpStatusCode Status, bool RetryAfter)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (i, _) =>
        {
            // Writes through the silo's journal and reads the API serves from PostgreSQL itself.
            var response = i % 2 == 0
                ? await client.PostAsJsonAsync("/v1/customers", ApiCustomers.Body(SampleProfiles.Ada(), ("email", $"ada{i}@example.com"), ("phone", null)))
                : await client.GetAsync($"/v1/customers/{id}/payments");
            statuses.Add((response.StatusCode, response.Headers.RetryAfter is not null));
        });
        await sampling.CancelAsync();
        var most = await sampler;

        // Silo and API run in this one process on one connection string, so here they even share the providers' pool.
        Assert.InRange(most, 1, 2 * MaxConnections);
        Assert.All(statuses, answer => Assert.True(
            answer.Status is HttpStatusCode.Created or HttpStatusCode.OK || answer is (HttpStatusCode.ServiceUnavailable, true),
            $"{answer.Status} is neither a success nor a retryable 503"));
        Assert.Contains(statuses, answer => answer.Status == HttpStatusCode.Created);
    }

    /// <summary>The most connections to <paramref name="database"/> seen at once (besides this one) until cancelled.</summary>
    private static async Task<long> MostConnectionsHeld(string database, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        long most = 0;
        while (!stop.IsCancellationRequested)
        {
            most = Math.Max(most, (long)(await count.ExecuteScalarAsync(CancellationToken.None))!);
            await Task.Delay(10, CancellationToken.None);
        }
        return most;
    }
}
