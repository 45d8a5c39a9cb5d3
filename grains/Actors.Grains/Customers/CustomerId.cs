using System.Security.Cryptography;

namespace Actors.Grains.Customers;

/// <summary>Customer ids are <c>cus_</c> plus 20 random base-32 characters (100 bits): unguessable and URL-safe.</summary>
public static class CustomerId
{
    public const string Prefix = "cus_";
    private const int RandomLength = 20;
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New()
    {
        Span<char> chars = stackalloc char[RandomLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return Prefix + new string(chars);
    }

    /// <summary>True when <paramref name="value"/> has the shape of an id this platform issues.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: RandomLength + 4 }
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && value.AsSpan(Prefix.Length).IndexOfAnyExcept(Alphabet) < 0;
}
