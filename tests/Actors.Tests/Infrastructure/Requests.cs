using System.Text;

namespace Actors.Tests.Infrastructure;

/// <summary>Requests the suite sends by hand: JSON bodies with the headers an endpoint asks for.</summary>
public static class Requests
{
    public const string MergePatchJson = "application/merge-patch+json";

    /// <summary><paramref name="json"/> sent as-is (bytes matter to idempotency), with an <c>Idempotency-Key</c> when one is given.</summary>
    public static HttpRequestMessage Json(HttpMethod method, string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    /// <summary>A JSON merge-patch of <paramref name="path"/> made on top of <paramref name="version"/> (no <c>If-Match</c> when null).</summary>
    public static HttpRequestMessage MergePatch(string path, string json, long? version, string mediaType = MergePatchJson) =>
        new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(json, Encoding.UTF8, mediaType) }.IfMatch(version);

    /// <summary>Says the change is made on top of <paramref name="version"/>: <c>If-Match: "&lt;version&gt;"</c>; nothing when null.</summary>
    public static HttpRequestMessage IfMatch(this HttpRequestMessage request, long? version)
    {
        if (version is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        }
        return request;
    }
}
