using System.Security.Cryptography;

namespace Actors.Grains;

/// <summary>
/// Ids this platform issues: a type prefix (<c>cus_</c>, <c>chk_</c>, <c>pay_</c>…) plus 20 random base-32
/// characters (100 bits): unguessable, URL-safe and readable in logs.
/// </summary>
public static class RandomIds
{
    public const int RandomLength = 20;
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(string prefix)
    {
        // One call for all the randomness: 32 letters is 5 bits each, so every byte picks one without bias.
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[RandomLength];
        for (var i = 0; i < RandomLength; i++)
        {
            chars[i] = Alphabet[random[i] & 31];
        }
        return string.Concat(prefix, chars);
    }

    /// <summary>An id of the same shape made from <paramref name="bytes"/> (at least 20 of them, e.g. a digest) rather than chance.</summary>
    public static string FromBytes(string prefix, ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[RandomLength];
        for (var i = 0; i < RandomLength; i++)
        {
            chars[i] = Alphabet[bytes[i] & 31];
        }
        return string.Concat(prefix, chars);
    }

    /// <summary>True when <paramref name="value"/> has the shape of an id issued with <paramref name="prefix"/>.</summary>
    public static bool IsWellFormed(string? value, string prefix) =>
        value is not null
        && value.Length == prefix.Length + RandomLength
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept(Alphabet) < 0;
}
