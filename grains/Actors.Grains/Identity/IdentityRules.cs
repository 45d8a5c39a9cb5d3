using Actors.Grains.Profiles;

namespace Actors.Grains.Identity;

/// <summary>
/// How a channel identifier is written before it is used: one spelling per identifier, so two ways of typing the same
/// email, phone or card find the same customer. Pure; no clock or I/O.
/// <list type="bullet">
/// <item>email: surrounding whitespace trimmed, lower-cased, then the profile's address rule.</item>
/// <item>phone: spaces, dashes, dots and parentheses removed, then E.164 as the profile takes it (<c>+447700900123</c>).</item>
/// <item>card: a loyalty card number, <see cref="LoyaltyCardDigits"/> digits whose last is a Luhn check digit, with
///   optional single spaces or dashes between digits (<c>1234 5678 9015</c>). Never 13–19 digits, so it can never be
///   taken for a payment card number.</item>
/// <item>device: 1–64 of <c>A-Z a-z 0-9 . _ : -</c>, as in <c>X-Device-Id</c>; case is kept.</item>
/// </list>
/// </summary>
public static class IdentityRules
{
    public const int LoyaltyCardDigits = 12;
    public const int MaxDeviceId = 64;

    /// <summary>The identifier <paramref name="raw"/> names under <paramref name="kind"/>, or why it names none.</summary>
    public static IdentityParse Normalize(string? kind, string? raw)
    {
        if (kind is null || !IdentityKinds.All.Contains(kind))
        {
            return new IdentityParse.Invalid("kind", $"must be one of {string.Join(", ", IdentityKinds.All)}");
        }
        var value = raw?.Trim() ?? "";
        if (value.Length == 0)
        {
            return new IdentityParse.Invalid("value", "is required");
        }
        var normalized = kind switch
        {
            IdentityKinds.Email => Email(value),
            IdentityKinds.Phone => Phone(value),
            IdentityKinds.Card => LoyaltyCard(value),
            _ => Device(value),
        };
        return normalized is null
            ? new IdentityParse.Invalid("value", Expected(kind))
            : new IdentityParse.Valid(new Identifier(kind, normalized));
    }

    /// <summary>The identifier of a profile's email or phone, which the profile's rules have already accepted.</summary>
    public static Identifier? OfProfileField(string kind, string? value) =>
        value is not null && Normalize(kind, value) is IdentityParse.Valid valid ? valid.Identifier : null;

    /// <summary>The loyalty card number that <paramref name="first11"/> (eleven digits) starts, with its check digit.</summary>
    public static string LoyaltyCardWithCheckDigit(string first11)
    {
        if (first11.Length != LoyaltyCardDigits - 1 || !first11.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"A loyalty card number starts with {LoyaltyCardDigits - 1} digits.", nameof(first11));
        }
        var sum = LuhnSum(first11, checkDigitFollows: true);
        return first11 + (char)('0' + (10 - sum % 10) % 10);
    }

    private static string Expected(string kind) => kind switch
    {
        IdentityKinds.Email => "is not a valid email address",
        IdentityKinds.Phone => "must be a phone number in international form such as +44 7700 900123",
        IdentityKinds.Card => $"must be a loyalty card number: {LoyaltyCardDigits} digits ending in a check digit",
        _ => $"must be 1–{MaxDeviceId} of A-Z a-z 0-9 . _ : -",
    };

    private static string? Email(string value)
    {
        var lowered = value.ToLowerInvariant();
        return ProfileRules.IsEmail(lowered) ? lowered : null;
    }

    private static string? Phone(string value)
    {
        var digits = string.Concat(value.Where(c => c is not (' ' or '-' or '.' or '(' or ')')));
        return ProfileRules.IsE164(digits) ? digits : null;
    }

    private static string? LoyaltyCard(string value)
    {
        // Digits with at most one space or dash between two of them: "1234 5678 9015", "1234-5678-9015".
        var digits = new System.Text.StringBuilder(LoyaltyCardDigits);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-') || i == 0 || !char.IsAsciiDigit(value[i - 1]) || i + 1 >= value.Length || !char.IsAsciiDigit(value[i + 1]))
            {
                return null;
            }
        }
        var number = digits.ToString();
        return number.Length == LoyaltyCardDigits && LuhnSum(number, checkDigitFollows: false) % 10 == 0 ? number : null;
    }

    private static string? Device(string value) =>
        value.Length <= MaxDeviceId && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-') ? value : null;

    /// <summary>The Luhn sum of <paramref name="digits"/>; with <paramref name="checkDigitFollows"/> the check digit is still to come.</summary>
    private static int LuhnSum(string digits, bool checkDigitFollows)
    {
        var sum = 0;
        var doubled = checkDigitFollows;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var digit = digits[i] - '0';
            if (doubled)
            {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum;
    }
}

/// <summary>A normalized identifier, or the field (<c>kind</c> or <c>value</c>) that is wrong and why.</summary>
public abstract record IdentityParse
{
    public sealed record Valid(Identifier Identifier) : IdentityParse;

    public sealed record Invalid(string Field, string Error) : IdentityParse;
}
