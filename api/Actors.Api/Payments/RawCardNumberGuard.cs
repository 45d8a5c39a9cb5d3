using System.Buffers;
using System.Net;
using System.Text;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Actors.Api.Payments;

/// <summary>
/// Refuses any <c>/v1</c> request whose body or query string carries a card number, with a 400 problem, before
/// authentication, endpoints or grains see it: only gateway tokens may enter the platform, so nothing here ever
/// stores, forwards or logs a card number. Other requests go on with their body intact.
/// </summary>
public sealed partial class RawCardNumberGuard(
    RequestDelegate next, IProblemDetailsService problemDetails, ILogger<RawCardNumberGuard> log)
{
    private static readonly PathString Guarded = "/v1";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Guarded))
        {
            await next(context);
            return;
        }

        // Decoded the way endpoints bind it ('+' is a space), so "4111+1111+1111+1111" is found too.
        if (request.QueryString.HasValue && RawCardNumbers.Contains(WebUtility.UrlDecode(request.QueryString.Value)))
        {
            await Refuse(context, "query string");
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
            if (HoldsCardNumber(buffer.AsSpan(0, length), request.ContentType))
            {
                await Refuse(context, "body");
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

    private static bool HoldsCardNumber(ReadOnlySpan<byte> body, string? contentType)
    {
        // The JSON binder honours a declared charset (UTF-16 included), so the scan reads the body the same way.
        var encoding = MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.Encoding is { } declared
            ? declared
            : Encoding.UTF8;
        var text = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(body.Length));
        try
        {
            var length = encoding.GetChars(body, text);
            return RawCardNumbers.Contains(text.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text, clearArray: true);
        }
    }

    private async Task Refuse(HttpContext context, string where)
    {
        // The path is logged to find the client, unless it holds a card number itself; the number never is.
        var path = context.Request.Path.Value ?? "";
        LogRefused(log, context.Request.Method, RawCardNumbers.Contains(path) ? "(withheld)" : path, where);

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.RawCardNumber,
                Title = "Card numbers must not be sent to this API.",
                Detail = $"The request {where} contains a card number. Send the payment gateway's token for the card "
                    + "(with its brand, last four digits and expiry) instead. Nothing from this request was kept.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: the request {Location} contains a card number")]
    private static partial void LogRefused(ILogger logger, string method, string path, string location);
}

public static class RawCardNumberGuardExtensions
{
    /// <summary>Refuses requests that carry card numbers; place it after the problem-details middleware.</summary>
    public static IApplicationBuilder UseRawCardNumberGuard(this IApplicationBuilder app) =>
        app.UseMiddleware<RawCardNumberGuard>();
}
