using System.Security.Cryptography;

namespace Actors.Peers;

/// <summary>Ids of the platform's shape (a type prefix and 20 random base-32 characters), so its customer tokens name peer customers too.</summary>
public static class PeerIds
{
    public const string Customer = "cus_";
    public const string PaymentMethod = "pm_";
    public const string Checkout = "chk_";
    public const string Payment = "pay_";
    public const string LedgerEntry = "led_";

    private const int RandomLength = 20;
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static bool IsWellFormed(string? value, string prefix) =>
        value is not null
        && value.Length == prefix.Length + RandomLength
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept(Alphabet) < 0;
}
