namespace Actors.Api.Payments;

/// <summary>
/// Finds card numbers (PANs) in request text so the API can refuse them before anything stores or logs them.
/// A card number is 13–19 digits that pass the Luhn check, written together (<c>4111111111111111</c>) or in
/// groups separated by single spaces or dashes (<c>4111 1111 1111 1111</c>, <c>3782-822463-10005</c>).
/// </summary>
/// <remarks>
/// <para>
/// Digit groups joined by single separators form a chain, and every run of whole consecutive groups holding
/// 13–19 digits is checked, so a number followed by more groups ("4111 1111 1111 1111 12/25") is still found.
/// Letters may touch a number (<c>abc4111111111111111xyz</c>); digits may not.
/// </para>
/// <para>
/// The false-positive trade-off: digits glued to a number without a separator make a different, longer number,
/// and a run of 20 or more digits is not searched for card numbers inside it. Searching every 13–19-digit window
/// would reject nearly every long numeric reference (a 30-digit run has 105 windows, each passing Luhn one time
/// in ten), so the price is that a card number typed with its expiry or CVV glued on is missed.
/// </para>
/// <para>
/// Three shapes are never card numbers, because the API receives them legitimately and Luhn alone would reject
/// one in ten of them: digits right after <c>+</c> or its JSON escape (E.164 phone numbers run to 15 digits),
/// digits on either side of a decimal point (a long fraction such as <c>0.1234567890123456</c>), and digits inside
/// a hex identifier of 32 or more hex digits (GUIDs, trace ids, hashes). Any other 13–19-digit number that happens
/// to pass Luhn, such as a millisecond timestamp, is rejected; the API takes ISO-8601 times and amounts far below
/// 10^12 minor units.
/// </para>
/// </remarks>
public static class RawCardNumbers
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    // 128 bits: the shortest of the identifiers (GUIDs, trace ids, hashes) whose digit runs are not card numbers.
    private const int MinHexIdentifierDigits = 32;

    /// <summary>True when <paramref name="text"/> holds a card number anywhere. Allocates nothing.</summary>
    public static bool Contains(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var offset = text[position..].IndexOfAnyInRange('0', '9');
            if (offset < 0)
            {
                return false;
            }
            var chainStart = position + offset;
            var chainEnd = EndOfChain(text, chainStart);
            if (ChainHoldsCardNumber(text, chainStart, chainEnd))
            {
                return true;
            }
            position = chainEnd;
        }
        return false;
    }

    /// <summary>True when <paramref name="digits"/> is a non-empty string of ASCII digits whose Luhn checksum is valid.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits) =>
        !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9') && LuhnChecksumIsValid(digits);

    /// <summary>The end of the digit groups that start at <paramref name="start"/> and are joined by single separators.</summary>
    private static int EndOfChain(ReadOnlySpan<char> text, int start)
    {
        var end = EndOfGroup(text, start);
        while (end + 1 < text.Length && IsSeparator(text[end]) && char.IsAsciiDigit(text[end + 1]))
        {
            end = EndOfGroup(text, end + 1);
        }
        return end;
    }

    private static int EndOfGroup(ReadOnlySpan<char> text, int start)
    {
        var length = text[start..].IndexOfAnyExceptInRange('0', '9');
        return length < 0 ? text.Length : start + length;
    }

    private static bool ChainHoldsCardNumber(ReadOnlySpan<char> text, int chainStart, int chainEnd)
    {
        for (var first = chainStart; first < chainEnd; first = EndOfGroup(text, first) + 1)
        {
            if (StartsPhoneNumber(text, first))
            {
                continue;
            }

            // Extend the candidate a whole group at a time while it can still be a card number.
            var digits = 0;
            for (var groupStart = first; groupStart < chainEnd; groupStart = EndOfGroup(text, groupStart) + 1)
            {
                var groupEnd = EndOfGroup(text, groupStart);
                digits += groupEnd - groupStart;
                if (digits > MaxDigits || IsPartOfDecimal(text, groupStart, groupEnd))
                {
                    break;
                }
                if (digits >= MinDigits
                    && LuhnChecksumIsValid(text[first..groupEnd])
                    && !IsInsideHexIdentifier(text, first, groupEnd))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsSeparator(char c) => c is ' ' or '-';

    // E.164 numbers are always written with their leading plus; card numbers never are. System.Text.Json
    // escapes the plus by default, so a .NET client sends "\u002B447700900123".
    private static bool StartsPhoneNumber(ReadOnlySpan<char> text, int groupStart) =>
        text[..groupStart].EndsWith("+", StringComparison.Ordinal)
        || text[..groupStart].EndsWith(@"\u002B", StringComparison.OrdinalIgnoreCase);

    // 12.3456789012345 is one number with a fractional part, whichever side of the point the digits are on.
    private static bool IsPartOfDecimal(ReadOnlySpan<char> text, int groupStart, int groupEnd) =>
        (groupStart >= 2 && text[groupStart - 1] == '.' && char.IsAsciiDigit(text[groupStart - 2]))
        || (groupEnd + 1 < text.Length && text[groupEnd] == '.' && char.IsAsciiDigit(text[groupEnd + 1]));

    private static bool IsInsideHexIdentifier(ReadOnlySpan<char> text, int start, int end)
    {
        // Space-separated groups are a person's formatting, never an identifier's.
        if (text[start..end].Contains(' '))
        {
            return false;
        }
        while (start > 0 && IsHexOrDash(text[start - 1]))
        {
            start--;
        }
        while (end < text.Length && IsHexOrDash(text[end]))
        {
            end++;
        }
        var word = text[start..end];
        return word.Length - word.Count('-') >= MinHexIdentifierDigits;
    }

    private static bool IsHexOrDash(char c) => char.IsAsciiHexDigit(c) || c == '-';

    /// <summary>The Luhn (mod 10) check over the digits of <paramref name="text"/>, skipping separators.</summary>
    private static bool LuhnChecksumIsValid(ReadOnlySpan<char> text)
    {
        var sum = 0;
        var doubled = false;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }
            var digit = text[i] - '0';
            if (doubled)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
