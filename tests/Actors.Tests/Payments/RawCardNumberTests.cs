using System.Globalization;
using System.Text;
using System.Text.Json;
using Actors.Api.Payments;
using CsCheck;

namespace Actors.Tests.Payments;

public sealed class RawCardNumberTests
{
    private const string Digits = "0123456789";

    // Anything may surround a number, digits included, as long as the characters touching it are not digits,
    // '+' (a phone number) or '.' (a decimal), and are not hex letters that could make it part of an identifier.
    private const string Text = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n\"'{}[]:,.;+-_/=?&%$€£äß\\";
    private const string Boundaries = " \t\n\"'{}[]:,;_/=?&%xyzXYZ€ä\\";
    private const string DigitFreeText = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \t\n\"'{}[]:,.;+-_/=?&%$€£äß\\";

    private static readonly Gen<string> AnyText = Gen.Char[Text].Array[0, 30].Select(chars => new string(chars));
    private static readonly Gen<string> TextWithoutDigits = Gen.Char[DigitFreeText].Array[0, 30].Select(chars => new string(chars));
    private static readonly Gen<char> Boundary = Gen.Char[Boundaries];

    private static readonly Gen<string> LuhnValidNumber =
        Gen.Int[13, 19].SelectMany(length => Gen.Char[Digits].Array[length - 1]).Select(payload => WithCheckDigit(new string(payload)));

    private static readonly Gen<string> LuhnInvalidNumber = Gen.Select(LuhnValidNumber, Gen.Int[1, 9],
        (number, shift) => number[..^1] + (char)('0' + (number[^1] - '0' + shift) % 10));

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("378282246310005")]
    [InlineData("3782 822463 10005")]
    [InlineData("4222222222222")]
    [InlineData("4000000000000000006")]
    [InlineData("{\"payment\":{\"card\":{\"number\":\"5555555555554444\",\"cvc\":\"123\"}}}")]
    [InlineData("{\"x\": 4111111111111111}")]
    [InlineData("[6011111111111117]")]
    [InlineData("abc4111111111111111xyz")]
    [InlineData("\\n4111111111111111\\t")]
    [InlineData("my card is 4111111111111111.")]
    [InlineData("card=-4111111111111111")]
    [InlineData("4111 1111 1111 1111 12/25 123")]
    [InlineData("4111111111111111 123")]
    [InlineData("call +44 4111 1111 1111 1111")]
    [InlineData("2.5 4111 1111 1111 1111")]
    [InlineData("41111111-1111-1111")]
    public void Finds_a_card_number(string text)
    {
        Assert.True(RawCardNumbers.Contains(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4111111111111112")]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("411111111111")]
    [InlineData("41111111111111111225")]
    [InlineData("expiry glued on: 41111111111111111225")]
    [InlineData("+8621380013800")]
    [InlineData("{\"phone\":\"+8621380013800\"}")]
    [InlineData("{\"phone\":\"\\u002B8621380013800\"}")]
    [InlineData("{\"phone\":\"\\u002b8621380013800\"}")]
    [InlineData("0.4111111111111111")]
    [InlineData("4111111111111111.25")]
    [InlineData("41111111-1111-1111-abcd-ef0123456789")]
    [InlineData("41111111111111111abcdef0123456789")]
    [InlineData("cus_0123456789abcdefghjk")]
    [InlineData("2024-05-01T12:34:56.1234567+00:00")]
    [InlineData("{\"amount\": 12345, \"currency\": \"EUR\"}")]
    public void Finds_nothing_where_there_is_no_card_number(string text)
    {
        Assert.False(RawCardNumbers.Contains(text));
    }

    [Fact]
    public void A_phone_number_is_only_exempt_with_its_plus()
    {
        Assert.False(RawCardNumbers.Contains("+8621380013800"));
        Assert.True(RawCardNumbers.Contains("8621380013800"));
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("79927398713", true)]
    [InlineData("378282246310005", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("4111 1111 1111 1111", false)]
    [InlineData("", false)]
    public void Luhn_check(string digits, bool passes)
    {
        Assert.Equal(passes, RawCardNumbers.PassesLuhn(digits));
    }

    [Fact]
    public void Every_Luhn_valid_number_is_found_however_it_is_grouped_and_whatever_surrounds_it()
    {
        Gen.Select(LuhnValidNumber.SelectMany(Grouped), AnyText, Boundary, Boundary, AnyText)
            .Sample((number, before, left, right, after) =>
                RawCardNumbers.Contains(before + left + number + right + after));
    }

    [Fact]
    public void A_Luhn_invalid_number_is_not_found()
    {
        Gen.Select(LuhnInvalidNumber, Gen.Bool, TextWithoutDigits, TextWithoutDigits)
            .Sample((number, inFours, before, after) =>
            {
                // Groups of four: any three of them hold 12 digits, so the whole number is the only candidate.
                var written = inFours && number.Length <= 16 ? string.Join(' ', number.Chunk(4).Select(group => new string(group))) : number;
                Assert.False(RawCardNumbers.PassesLuhn(number));
                Assert.False(RawCardNumbers.Contains(before + " " + written + " " + after));
            });
    }

    [Fact]
    public void Runs_of_up_to_12_or_of_20_and_more_digits_are_not_card_numbers()
    {
        var runs = Gen.OneOf<char[]>(Gen.Char[Digits].Array[1, 12], Gen.Char[Digits].Array[20, 60]).Select(digits => new string(digits));
        Gen.Select(runs, TextWithoutDigits, TextWithoutDigits)
            .Sample((run, before, after) => !RawCardNumbers.Contains(before + " " + run + " " + after));
    }

    [Fact]
    public void Identifiers_times_amounts_and_phone_numbers_are_not_card_numbers()
    {
        var customerId = Gen.Char["0123456789abcdefghjkmnpqrstvwxyz"].Array[20].Select(chars => "cus_" + new string(chars));
        var guid = Gen.Select(Gen.Guid, Gen.Char["DNBP"], Gen.Bool,
            (value, format, upper) => upper ? value.ToString(format.ToString()).ToUpperInvariant() : value.ToString(format.ToString()));
        var time = Gen.Select(Gen.DateTimeOffset, Gen.OneOf("O", "u", "s", "yyyy-MM-dd HH:mm:ss.fffffff"),
            (value, format) => value.ToString(format, CultureInfo.InvariantCulture));
        var amount = Gen.Long[0, 999_999_999_999];
        var phone = Gen.Select(Gen.Char["123456789"], Gen.Char[Digits].Array[6, 14], (first, rest) => "+" + first + new string(rest));
        var coordinate = Gen.Double[-180, 180].Select(value => value.ToString("R", CultureInfo.InvariantCulture));

        Gen.Select(customerId, guid, time, amount, phone, coordinate)
            .Sample((id, request, at, minorUnits, phoneNumber, longitude) =>
            {
                var raw = $$"""{"customerId":"{{id}}","requestId":"{{request}}","at":"{{at}}","amount":{{minorUnits}},"phone":"{{phoneNumber}}","longitude":{{longitude}}}""";
                // As a .NET client writes it: System.Text.Json escapes '+' as \u002B by default.
                var serialized = JsonSerializer.Serialize(new { id, request, at, minorUnits, phoneNumber, longitude = double.Parse(longitude, CultureInfo.InvariantCulture) });
                Assert.False(RawCardNumbers.Contains(raw), raw);
                Assert.False(RawCardNumbers.Contains(serialized), serialized);
            });
    }

    /// <summary>The number with a random single space or dash between some of its digits.</summary>
    private static Gen<string> Grouped(string number) =>
        Gen.Frequency((6, Gen.Const("")), (1, Gen.Const(" ")), (1, Gen.Const("-"))).Array[number.Length - 1]
            .Select(separators =>
            {
                var text = new StringBuilder(number[..1]);
                for (var i = 1; i < number.Length; i++)
                {
                    text.Append(separators[i - 1]).Append(number[i]);
                }
                return text.ToString();
            });

    private static string WithCheckDigit(string payload)
    {
        // The check digit will sit rightmost, so the payload's last digit is the first one doubled.
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[^(i + 1)] - '0';
            if (i % 2 == 0)
            {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        return payload + (char)('0' + (10 - sum % 10) % 10);
    }
}
