using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Actors.Peers.Checkouts;

/// <summary>An answer as stored under its key and sent back byte for byte on a retry.</summary>
public sealed record StoredAnswer(int Status, string Json, string? Location = null)
{
    public IResult ToResult(HttpContext http)
    {
        if (Location is not null)
        {
            http.Response.Headers.Location = Location;
        }
        var contentType = Status >= 400 ? "application/problem+json" : "application/json";
        return TypedResults.Content(Json, contentType, Encoding.UTF8, Status);
    }

    public static StoredAnswer Problem(int status, string type, string title, JsonSerializerOptions json, string? detail = null) =>
        new(status, JsonSerializer.Serialize(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail }, json));
}

/// <summary>
/// The <c>idempotency_keys</c> table: a request claims its key before it does anything, and its answer is stored
/// in the same commit as the change it describes. A retry with the same key and the same method, path and body
/// gets the stored answer; while the first is running it gets 409; with another body 422.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public sealed record Request<T>(string Key, T Body, byte[] Fingerprint);

    /// <summary>The key, the body and the request's fingerprint, or the answer that stops it before anything runs.</summary>
    public static async Task<(Request<T>? Request, IResult? Problem)> Read<T>(HttpContext http, JsonSerializerOptions json)
        where T : class
    {
        string? key = http.Request.Headers[Header];
        if (string.IsNullOrEmpty(key) || key.Length > 255 || key.Any(c => c is < ' ' or > '~'))
        {
            return (null, StoredAnswer.Problem(StatusCodes.Status400BadRequest, "/errors/idempotency-key-required",
                "An Idempotency-Key header is required.", json).ToResult(http));
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        T? body;
        try
        {
            body = JsonSerializer.Deserialize<T>(bytes, json);
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return (null, StoredAnswer.Problem(StatusCodes.Status400BadRequest, "/errors/malformed-json",
                "The body is not the JSON this request takes.", json).ToResult(http));
        }

        var fingerprint = SHA256.HashData([.. Encoding.UTF8.GetBytes($"{http.Request.Method}\n{http.Request.Path}\n"), .. bytes]);
        return (new Request<T>(key, body, fingerprint), null);
    }

    /// <summary>Claims the key in a commit of its own; false when another request holds it already.</summary>
    public static async Task<bool> Claim(NpgsqlConnection connection, string customerId, string key, byte[] fingerprint)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO idempotency_keys (customer_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (customer_id, key) DO NOTHING
            """, connection);
        insert.Parameters.Add(new() { Value = customerId });
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = fingerprint });
        insert.Parameters.Add(new() { Value = DateTimeOffset.UtcNow });
        return await insert.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>Stores the answer of a claimed key, in the caller's transaction when it has one.</summary>
    public static async Task Answer(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId, string key, StoredAnswer answer)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE customer_id = $1 AND key = $2", connection, transaction);
        update.Parameters.Add(new() { Value = customerId });
        update.Parameters.Add(new() { Value = key });
        update.Parameters.Add(new() { Value = answer.Status });
        update.Parameters.Add(new() { Value = answer.Json });
        await update.ExecuteNonQueryAsync();
    }

    /// <summary>Claims the key and stores its answer at once, for a request whose whole work is one commit.</summary>
    public static async Task<bool> ClaimAnswered(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string customerId, string key, byte[] fingerprint, StoredAnswer answer)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO idempotency_keys (customer_id, key, fingerprint, status_code, response, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (customer_id, key) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = customerId });
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = fingerprint });
        insert.Parameters.Add(new() { Value = answer.Status });
        insert.Parameters.Add(new() { Value = answer.Json });
        insert.Parameters.Add(new() { Value = DateTimeOffset.UtcNow });
        return await insert.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>What a request whose key was taken gets: the stored answer, or why there is none to give.</summary>
    public static async Task<StoredAnswer> Replay(NpgsqlConnection connection, string customerId, string key, byte[] fingerprint, JsonSerializerOptions json)
    {
        await using var read = new NpgsqlCommand(
            "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE customer_id = $1 AND key = $2", connection);
        read.Parameters.Add(new() { Value = customerId });
        read.Parameters.Add(new() { Value = key });
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || !((byte[])reader[0]).AsSpan().SequenceEqual(fingerprint))
        {
            return StoredAnswer.Problem(StatusCodes.Status422UnprocessableEntity, "/errors/idempotency-mismatch",
                "This Idempotency-Key was used for a different request.", json);
        }
        return reader.IsDBNull(1)
            ? StoredAnswer.Problem(StatusCodes.Status409Conflict, "/errors/idempotency-in-flight",
                "A request with this Idempotency-Key is still running.", json)
            : new StoredAnswer(reader.GetInt32(1), reader.GetString(2));
    }
}
