using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Actors.Api.Customers;
using Actors.Api.Idempotency;
using Actors.Api.Payments;
using Actors.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Actors.Api.Hosting;

/// <summary>
/// Holds the API's input rules for what the application will read, before endpoints or grains see a
/// request to <c>/v1</c>: bodies are UTF-8 JSON only (<c>415</c> otherwise); and no decoded text (path, query string,
/// the headers the platform stores, every JSON string and property name after unescaping) holds a card number
/// (only gateway tokens may enter, so nothing here ever stores, forwards or logs one), invalid Unicode, or control
/// characters (<c>400</c>). A refused request reaches nothing; the others go on with their body intact.
/// </summary>
public sealed partial class RequestGuard(
    RequestDelegate next, IProblemDetailsService problemDetails, ILogger<RequestGuard> log)
{
    private static readonly PathString Guarded = "/v1";

    /// <summary>
    /// The request headers whose values are kept (sessions, idempotency records). Their own rules (shape, printable
    /// characters) answer with their own problem types; here only the card-number rule applies.
    /// </summary>
    private static readonly string[] StoredHeaders =
        [CustomerRoutes.DeviceIdHeader, CustomerRoutes.DeviceLabelHeader, CustomerRoutes.ChannelHeader, IdempotentBody.Header];

    /// <summary>No request body of this API nests deeper; deeper JSON is refused unread.</summary>
    private const int MaxJsonDepth = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Guarded))
        {
            await next(context);
            return;
        }

        if ((CheckText(request.Path.Value, "path") ?? CheckQuery(request.QueryString) ?? CheckHeaders(request.Headers)) is { } refusal)
        {
            await Refuse(context, refusal);
            return;
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        // One byte over the limit, so a server that does not enforce it still cannot slip a larger body past.
        var buffer = ArrayPool<byte>.Shared.Rent((int)ApiLimits.MaxRequestBodyBytes + 1);
        var original = request.Body;
        var length = -1;
        try
        {
            length = await ReadWholeBody(original, buffer, context.RequestAborted);
            if (length > 0 && CheckBody(buffer.AsSpan(0, length), request.ContentType) is { } bodyRefusal)
            {
                await Refuse(context, bodyRefusal);
                return;
            }

            request.Body = new MemoryStream(buffer, 0, length, writable: false);
            await next(context);
        }
        finally
        {
            request.Body = original;
            // Cleared, so a card number in a refused body does not linger in pooled memory: only what was read (the
            // rented buffer is twice the body limit, and clearing all of it costs more than the scan), or all of it
            // when the read broke off.
            (length < 0 ? buffer : buffer.AsSpan(0, length)).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Why a request is refused: its status, problem type, and where the offending input was.</summary>
    private sealed record Refusal(int Status, string Type, string Title, string Detail, string Where, string Reason);

    private static Refusal CardNumber(string where) => new(StatusCodes.Status400BadRequest, ProblemTypes.RawCardNumber,
        "Card numbers must not be sent to this API.",
        $"The request {where} contains a card number. Send the payment gateway's token for the card "
        + "(with its brand, last four digits and expiry) instead. Nothing from this request was kept.", where, "contains a card number");

    private static Refusal InvalidText(string where) => new(StatusCodes.Status400BadRequest, ProblemTypes.InvalidText,
        "The request holds text this API does not accept.",
        $"The request {where} contains invalid Unicode or a control character (such as NUL). Nothing from this request was kept.", where,
        "holds invalid text");

    private static Refusal? CheckText(ReadOnlySpan<char> text, string where) =>
        RawCardNumbers.Contains(text) ? CardNumber(where)
        : HasInvalidText(text) ? InvalidText(where)
        : null;

    private static Refusal? CheckQuery(QueryString query)
    {
        if (!query.HasValue)
        {
            return null;
        }
        // Decoded the way endpoints bind it ('+' is a space), so "4111+1111+1111+1111" and "%00" are found too.
        // Percent-encoded bytes that are not UTF-8 decode to U+FFFD, which HasInvalidText refuses.
        return CheckText(WebUtility.UrlDecode(query.Value), "query string");
    }

    private static Refusal? CheckHeaders(IHeaderDictionary headers)
    {
        foreach (var name in StoredHeaders)
        {
            foreach (var value in headers[name])
            {
                if (RawCardNumbers.Contains(value))
                {
                    return CardNumber($"header {name}");
                }
            }
        }
        return null;
    }

    /// <summary>
    /// True for control characters, unpaired surrogates and U+FFFD (what a decoder makes of invalid bytes). Text
    /// here is names, labels, descriptions and search terms: none of it needs a line break or a tab.
    /// </summary>
    private static bool HasInvalidText(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) || c == '\uFFFD')
            {
                return true;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    private static Refusal? CheckBody(ReadOnlySpan<byte> body, string? contentType)
    {
        if (!IsUtf8Json(contentType))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The request body must be UTF-8 JSON.",
                "Send Content-Type: application/json, with no charset or charset=utf-8. Nothing from this request was kept.", "body",
                "is not UTF-8 JSON");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return InvalidText("body");
        }
        // The raw text first: a card number written as a JSON number, or anywhere in a body that is not even JSON.
        return RawCardNumbers.Contains(text) ? CardNumber("body") : CheckJsonText(body);
    }

    private static bool IsUtf8Json(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        && (!mediaType.Charset.HasValue
            || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || mediaType.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Every string and property name as the JSON reader unescapes it, so <c>"\u0034111…"</c> is the card number it
    /// spells. Malformed JSON is left to the endpoint's binder, which answers it as such.
    /// </summary>
    private static Refusal? CheckJsonText(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }
                string value;
                try
                {
                    value = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    // An escape that spells an unpaired surrogate.
                    return InvalidText("body");
                }
                if (CheckText(value, "body") is { } refusal)
                {
                    return refusal;
                }
            }
        }
        catch (JsonException) when (reader.CurrentDepth >= MaxJsonDepth - 1)
        {
            return new(StatusCodes.Status400BadRequest, ProblemTypes.MalformedJson, "The request body is nested too deeply.",
                $"No request of this API nests JSON deeper than {MaxJsonDepth} levels.", "body", "is nested too deeply");
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>
    /// Reads the body into memory. It is small (Kestrel caps it at <see cref="ApiLimits.MaxRequestBodyBytes"/>), and
    /// unlike request buffering it never spills to a temporary file, where a card number would reach the disk.
    /// </summary>
    private static async Task<int> ReadWholeBody(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            // Kestrel throws its own 413 BadHttpRequestException here first; both become the payload-too-large problem.
            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return length;
            }
            length += read;
            if (length > ApiLimits.MaxRequestBodyBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
        }
    }

    private async Task Refuse(HttpContext context, Refusal refusal)
    {
        // The route is logged, never the path: a path holds what the client put there, the offending text included.
        var route = RequestLog.Route(context);
        LogRefused(log, context.Request.Method, route, refusal.Where, refusal.Reason);

        context.Response.StatusCode = refusal.Status;
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = refusal.Status,
                Type = refusal.Type,
                Title = refusal.Title,
                Detail = refusal.Detail,
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Route}: the request {Location} {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string route, string location, string reason);
}

public static class RequestGuardExtensions
{
    /// <summary>Refuses requests whose decoded input breaks the API's rules; place it after the problem-details middleware.</summary>
    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestGuard>();
}
