using Actors.Peers.Auth;
using Actors.Peers.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Actors.Peers.BenchSupport;

public sealed record SeedRequest(int Count, long Cap);

public sealed record SeededCustomer(string CustomerId, string PaymentMethodId);

public sealed record ConnectionCounts(long Peers, long Others);

public sealed record ServerSettings(string Version, string Fsync, string SynchronousCommit, string MaxConnections);

/// <summary>
/// What the load generator needs from the peers' side that is not a peer's own API: customers in bulk (each with a
/// saved <c>tok_visa</c> card and a cap), a checkpoint before each measurement, the server's durability settings, and
/// its connections: how many each system's pools hold, and giving the peers' back.
/// Operators only.
/// </summary>
public static class BenchSupportApi
{
    public const int MaxSeed = 10_000;

    public static RouteGroupBuilder MapBenchSupportApi(this IEndpointRouteBuilder app)
    {
        var bench = app.MapGroup("/bench").RequireAuthorization(PeerAuth.Operator).WithTags("Bench support");
        bench.MapPost("/customers", Seed);
        bench.MapPost("/checkpoint", Checkpoint);
        bench.MapGet("/server", Server);
        bench.MapGet("/connections", Connections);
        bench.MapPost("/release", Release);
        return bench;
    }

    /// <summary>Inserts the customers and their cards in two statements, from arrays zipped back into rows.</summary>
    private static async Task<Results<Ok<SeededCustomer[]>, ProblemHttpResult>> Seed(SeedRequest request, PeerDatabase database)
    {
        if (request.Count is < 1 or > MaxSeed || request.Cap < 0)
        {
            return PeerProblems.Invalid("count", $"1 to {MaxSeed} customers, with a cap of 0 or more");
        }
        var customers = Enumerable.Range(0, request.Count)
            .Select(_ => new SeededCustomer(PeerIds.New(PeerIds.Customer), PeerIds.New(PeerIds.PaymentMethod)))
            .ToArray();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO customers (id, display_name, preferred_language, home_currency, time_zone, version, created_at, updated_at, cap, spent)
            SELECT id, 'Bench ' || ordinality, 'en', 'EUR', 'Europe/Berlin', 1, now(), now(), $2, 0
            FROM unnest($1::text[]) WITH ORDINALITY AS seeded (id, ordinality)
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = customers.Select(c => c.CustomerId).ToArray() });
            insert.Parameters.Add(new() { Value = request.Cap });
            await insert.ExecuteNonQueryAsync();
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO payment_methods (id, customer_id, token, brand, last4, expiry_month, expiry_year, billing_country, preferred, created_at)
            SELECT id, customer_id, 'tok_visa', 'visa', '4242', 12, 2030, 'DE', true, now()
            FROM unnest($1::text[], $2::text[]) AS seeded (id, customer_id)
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = customers.Select(c => c.PaymentMethodId).ToArray() });
            insert.Parameters.Add(new() { Value = customers.Select(c => c.CustomerId).ToArray() });
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return TypedResults.Ok(customers);
    }

    /// <summary>Starts each measurement with no dirty pages left over from the one before, whichever system that was.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Checkpoint(PeerDatabase database)
    {
        try
        {
            await using var checkpoint = database.DataSource.CreateCommand("CHECKPOINT");
            await checkpoint.ExecuteNonQueryAsync();
            return TypedResults.NoContent();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Only a superuser or pg_checkpoint may; the runs are then just not aligned to checkpoints.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: e.MessageText);
        }
    }

    /// <summary>Client connections open to the server now: the peers' own, and everyone else's (the platform's pools).</summary>
    private static async Task<Ok<ConnectionCounts>> Connections(PeerDatabase database)
    {
        await using var read = database.DataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE datname = current_database()), count(*) FILTER (WHERE datname <> current_database())
            FROM pg_stat_activity WHERE backend_type = 'client backend'
            """);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        return TypedResults.Ok(new ConnectionCounts(reader.GetInt64(0), reader.GetInt64(1)));
    }

    /// <summary>Closes the peers' idle pooled connections, so the server's connection slots are free for the platform's pools.</summary>
    private static NoContent Release(PeerDatabase database)
    {
        database.DataSource.Clear();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ServerSettings>> Server(PeerDatabase database)
    {
        await using var read = database.DataSource.CreateCommand(
            "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('max_connections')");
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        return TypedResults.Ok(new ServerSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
    }
}
