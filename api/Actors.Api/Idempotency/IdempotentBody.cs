using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Actors.Api.Problems;
using Actors.Grains.Idempotency;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Actors.Api.Idempotency;

/// <summary>
/// Reads a money-moving request: its <c>Idempotency-Key</c> and its JSON body, with a fingerprint of method,
/// path, query string and the body's exact bytes, so the customer grain can tell a retry from a different request under the same key.
/// </summary>
public static class IdempotentBody
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;

    /// <summary>The key and body, or the problem that stops the request before anything runs.</summary>
    public static async Task<(IdempotentRequest? Request, T? Body, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)> Read<T>(HttpContext http, CancellationToken cancellationToken)
        where T : class
    {
        string? key = http.Request.Headers[Header];
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(c => c is < ' ' or > '~'))
        {
            return (null, null, ApiProblems.Of(StatusCodes.Status400BadRequest, ProblemTypes.IdempotencyKeyRequired,
                "An Idempotency-Key header is required.",
                $"Send a unique key (1–{MaxKeyLength} printable ASCII characters, e.g. a UUID) with every request that moves money, and the same key when you retry it."));
        }

        var bytes = await ReadAll(http.Request, cancellationToken);
        if (bytes.Length > 0 && !http.Request.HasJsonContentType())
        {
            return (null, null, ApiProblems.Of(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The request body must be JSON (Content-Type: application/json)."));
        }

        T? body;
        try
        {
            var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            body = JsonSerializer.Deserialize<T>(bytes.Length == 0 ? "{}"u8 : bytes, options);
        }
        catch (JsonException json)
        {
            return (null, null, ApiProblems.MalformedJson(json));
        }
        if (body is null)
        {
            return (null, null, ApiProblems.Of(StatusCodes.Status400BadRequest, ProblemTypes.MalformedJson, "The request body must be a JSON object."));
        }

        return (new IdempotentRequest(key, Fingerprint(http.Request, bytes)), body, null);
    }

    private static string Fingerprint(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The query string is part of the request: the same key on another query is another request.
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task<byte[]> ReadAll(HttpRequest request, CancellationToken cancellationToken)
    {
        // Kestrel's body size limit applies while reading, so this never holds more than the API accepts.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
