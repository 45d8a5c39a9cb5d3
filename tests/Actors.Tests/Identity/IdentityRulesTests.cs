using Actors.Api.Payments;
using Actors.Grains.Identity;
using CsCheck;

namespace Actors.Tests.Identity;

public sealed class IdentityRulesTests
{
    private static string? Normalized(string kind, string raw) =>
        IdentityRules.Normalize(kind, raw) is IdentityParse.Valid valid ? valid.Identifier.Key : null;

    [Theory]
    [InlineData("email", "  Ada.Lovelace@Example.COM ", "email:ada.lovelace@example.com")]
    [InlineData("phone", "+44 7700 900123", "phone:+447700900123")]
    [InlineData("phone", "+1 (415) 555-0100", "phone:+14155550100")]
    [InlineData("phone", " +44.7700.900123 ", "phone:+447700900123")]
    [InlineData("card", "1234 5678 9015", "card:123456789015")]
    [InlineData("card", "1234-5678-9015", "card:123456789015")]
    [InlineData("card", "600000000015", "card:600000000015")]
    [InlineData("device", " till-7:store.12 ", "device:till-7:store.12")]
    [InlineData("device", "Tablet_A", "device:Tablet_A")]
    public void Identifiers_are_normalized_to_one_spelling(string kind, string raw, string key) =>
        Assert.Equal(key, Normalized(kind, raw));

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "Ada <ada@example.com>")]
    [InlineData("phone", "07700 900123")]
    [InlineData("phone", "+0447700900123")]
    [InlineData("phone", "+44 7700 900123 ext 4")]
    [InlineData("card", "123456789012")]
    [InlineData("card", "12345678901")]
    [InlineData("card", "1234567890155")]
    [InlineData("card", "1234  5678 9015")]
    [InlineData("card", "-123456789015")]
    [InlineData("card", "1234 5678 901X")]
    [InlineData("device", "till 7")]
    [InlineData("device", "till/7")]
    public void Malformed_values_are_refused(string kind, string raw)
    {
        var invalid = Assert.IsType<IdentityParse.Invalid>(IdentityRules.Normalize(kind, raw));
        Assert.Equal("value", invalid.Field);
    }

    [Theory]
    [InlineData("loyalty")]
    [InlineData("EMAIL")]
    [InlineData(null)]
    public void Unknown_kinds_are_refused(string? kind) =>
        Assert.Equal("kind", Assert.IsType<IdentityParse.Invalid>(IdentityRules.Normalize(kind, "x")).Field);

    [Fact]
    public void A_device_id_longer_than_64_characters_is_refused()
    {
        Assert.NotNull(Normalized("device", new string('d', 64)));
        Assert.Null(Normalized("device", new string('d', 65)));
    }

    [Fact]
    public void The_check_digit_completes_eleven_digits_into_a_loyalty_card_number()
    {
        Assert.Equal("123456789015", IdentityRules.LoyaltyCardWithCheckDigit("12345678901"));
        Assert.Equal("987654321098", IdentityRules.LoyaltyCardWithCheckDigit("98765432109"));
        Assert.Equal("400000000002", IdentityRules.LoyaltyCardWithCheckDigit("40000000000"));
    }

    [Fact]
    public void Every_single_digit_typo_in_a_loyalty_card_number_is_refused() =>
        Gen.Long[0, 99_999_999_999L].Select(n => IdentityRules.LoyaltyCardWithCheckDigit(n.ToString("D11")))
            .Select(Gen.Int[0, 11], Gen.Int[1, 9])
            .Sample((card, position, shift) =>
            {
                var typo = card[..position] + (char)('0' + (card[position] - '0' + shift) % 10) + card[(position + 1)..];
                return Normalized("card", card) == "card:" + card && Normalized("card", typo) is null;
            });

    [Fact]
    public void No_loyalty_card_number_however_written_looks_like_a_payment_card_number() =>
        Gen.Long[0, 99_999_999_999L].Select(n => IdentityRules.LoyaltyCardWithCheckDigit(n.ToString("D11")))
            .Select(Gen.OneOf(Gen.Const(""), Gen.Const(" "), Gen.Const("-")))
            .Sample((card, separator) =>
            {
                var written = string.Join(separator, card.Chunk(4).Select(group => new string(group)));
                return Normalized("card", written) == "card:" + card
                    && !RawCardNumbers.Contains($$"""{"kind":"card","value":"{{written}}"}""")
                    && !RawCardNumbers.Contains("card=" + written);
            });

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("378282246310005")]
    public void A_payment_card_number_is_no_loyalty_card_number(string pan)
    {
        Assert.True(RawCardNumbers.Contains(pan));
        Assert.Null(Normalized("card", pan));
    }
}
