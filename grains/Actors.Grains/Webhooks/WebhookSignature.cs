using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Grains.Webhooks;

/// <summary>
/// The <c>Actors-Signature</c> header, signed as Stripe signs webhooks: <c>t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>. The timestamp is signed with the body, so a receiver that
/// refuses old timestamps refuses a captured delivery sent again later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Actors-Signature";

    /// <summary>How old a signature a receiver should still take, unless it chooses otherwise.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>
    /// True when <paramref name="header"/> signs exactly <paramref name="body"/> (the raw bytes received, as text) with
    /// <paramref name="secret"/>, at a time no further than <paramref name="tolerance"/> from <paramref name="now"/>.
    /// Any <c>v1</c> may match (there may be several while a secret is rolled); unknown parts are ignored.
    /// </summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }
        string? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var (name, value) = (part[..equals].Trim(), part[(equals + 1)..].Trim());
            if (name == "t")
            {
                timestamp = value;
            }
            else if (name == "v1" && value.Length == 64 && value.All(char.IsAsciiHexDigitLower))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return false;
        }
        var expected = Mac(secret, timestamp, body);
        return signatures.Any(signature => CryptographicOperations.FixedTimeEquals(signature, expected));
    }

    private static byte[] Mac(string secret, string timestamp, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
}
