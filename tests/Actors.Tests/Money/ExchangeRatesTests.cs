using System.Numerics;
using Actors.Grains.Money;
using CsCheck;

namespace Actors.Tests.Money;

public sealed class ExchangeRatesTests
{
    // Base EUR. Chosen so that exact midpoints occur: 1 euro cent is 1.5 US cents and 1.505 yen.
    private static readonly ExchangeRates Rates = new(new Dictionary<string, decimal>
    {
        ["EUR"] = 1m,
        ["USD"] = 1.5m,
        ["JPY"] = 150.5m,
        ["KWD"] = 0.375m,
    });

    private static long Convert(long amount, string from, string to) =>
        Rates.TryConvert(amount, from, to, out var converted) ? converted : throw new InvalidOperationException($"{from}->{to} refused");

    [Fact]
    public void A_currency_converts_to_itself_unchanged_even_without_a_rate()
    {
        var empty = new ExchangeRates(new Dictionary<string, decimal>());

        Assert.True(empty.TryConvert(12_345, "GBP", "gbp", out var converted));
        Assert.Equal(12_345, converted);
        Assert.False(empty.Knows("GBP"));
    }

    [Fact]
    public void Known_currencies_are_recognised_in_any_case()
    {
        Assert.True(Rates.Knows("usd"));
        Assert.True(Rates.Knows("KWD"));
        Assert.False(Rates.Knows("GBP"));
        Assert.False(Rates.Knows("XXX"));
    }

    [Fact]
    public void Minor_unit_exponents_are_respected()
    {
        // 10.00 EUR = 1505 JPY (no minor unit); 15.00 USD = 10.00 EUR = 3.750 KWD (three decimals).
        Assert.Equal(1_505, Convert(1_000, "EUR", "JPY"));
        Assert.Equal(1_000, Convert(1_505, "JPY", "EUR"));
        Assert.Equal(3_750, Convert(1_500, "USD", "KWD"));
        Assert.Equal(1_500, Convert(3_750, "KWD", "USD"));
    }

    [Theory]
    [InlineData(1, "EUR", "USD", 2)] // 1.5 cents
    [InlineData(3, "EUR", "USD", 5)] // 4.5 cents
    [InlineData(100, "EUR", "JPY", 151)] // 150.5 yen
    [InlineData(300, "EUR", "JPY", 452)] // 451.5 yen
    [InlineData(1, "KWD", "USD", 0)] // 0.4 cents
    [InlineData(2, "KWD", "USD", 1)] // 0.8 cents
    [InlineData(5, "USD", "KWD", 13)] // 12.5 fils
    public void Exact_midpoints_round_away_from_zero(long amount, string from, string to, long expected) =>
        Assert.Equal(expected, Convert(amount, from, to));

    [Fact]
    public void Rounding_happens_once_at_the_end_not_at_the_base_currency()
    {
        // 1 US cent is 1.0033 yen; rounding at the base currency first (0.67 euro cents to 1) would give 1.505, so 2 yen.
        Assert.Equal(1, Convert(1, "USD", "JPY"));
    }

    [Fact]
    public void A_missing_rate_is_refused()
    {
        Assert.False(Rates.TryConvert(100, "EUR", "GBP", out _));
        Assert.False(Rates.TryConvert(100, "GBP", "EUR", out _));
        Assert.False(Rates.TryConvert(100, "EUR", "NOPE", out _));
    }

    [Fact]
    public void Negative_and_oversized_amounts_are_refused()
    {
        Assert.False(Rates.TryConvert(-1, "EUR", "USD", out _));
        Assert.False(Rates.TryConvert(-1, "EUR", "EUR", out _));
        Assert.False(Rates.TryConvert(Amounts.Max + 1, "EUR", "EUR", out _));
        Assert.True(Rates.TryConvert(Amounts.Max, "EUR", "EUR", out var max));
        Assert.Equal(Amounts.Max, max);
    }

    [Fact]
    public void A_result_above_the_largest_amount_is_refused_not_wrapped()
    {
        Assert.False(Rates.TryConvert(Amounts.Max, "EUR", "JPY", out _));
        Assert.True(Rates.TryConvert(Amounts.Max, "JPY", "EUR", out var euros));
        Assert.Equal(664_451_827_242_525, euros);

        var extreme = new ExchangeRates(new Dictionary<string, decimal> { ["EUR"] = 0.0000000001m, ["VND"] = 79_000_000_000_000_000m });
        Assert.False(extreme.TryConvert(Amounts.Max, "EUR", "VND", out _));
    }

    [Theory]
    [InlineData("XXX", "1")]
    [InlineData("USD", "0")]
    [InlineData("USD", "-1.2")]
    public void Unknown_codes_and_non_positive_rates_are_rejected_by_name(string code, string rate)
    {
        var error = Assert.Throws<ArgumentException>(() => new ExchangeRates(new Dictionary<string, decimal> { [code] = decimal.Parse(rate) }));

        Assert.Contains(code, error.Message);
    }

    [Fact]
    public void A_code_given_twice_in_different_cases_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExchangeRates(new Dictionary<string, decimal> { ["usd"] = 1m, ["USD"] = 1m }));

        Assert.Contains("USD", error.Message);
    }

    private static readonly string[] Codes = ["EUR", "USD", "JPY", "KWD", "GBP", "CLP", "BHD", "UYW"];

    // A rate with up to ten significant digits, between 0.00001 and 100 000.
    private static readonly Gen<decimal> GenRate =
        Gen.Select(Gen.Long[1, 9_999_999_999], Gen.Int[5, 14], (digits, scale) => new decimal(digits) / Pow10(scale))
            .Where(rate => rate is >= 0.00001m and <= 100_000m);

    private static readonly Gen<Dictionary<string, decimal>> GenTable =
        GenRate.Array[Codes.Length].Select(rates => Codes.Zip(rates).ToDictionary(pair => pair.First, pair => pair.Second));

    // Amounts of every magnitude, so that most conversions fit.
    private static readonly Gen<long> GenAmount = Gen.Int[0, 15].SelectMany(digits => Gen.Long[0, (long)Pow10(digits)]);

    private static readonly Gen<string> GenCode = Gen.Int[0, Codes.Length - 1].Select(i => Codes[i]);

    [Fact]
    public void Conversion_never_decreases_when_the_amount_grows() =>
        Gen.Select(GenTable, GenCode, GenCode, GenAmount, GenAmount).Sample(
            (table, from, to, first, second) =>
            {
                var rates = new ExchangeRates(table);
                var (small, large) = first <= second ? (first, second) : (second, first);
                var smallFits = rates.TryConvert(small, from, to, out var smallConverted);
                var largeFits = rates.TryConvert(large, from, to, out var largeConverted);

                Assert.True(smallFits || !largeFits);
                if (largeFits)
                {
                    Assert.True(smallConverted <= largeConverted, $"{small} -> {smallConverted}, {large} -> {largeConverted}");
                }
            }, iter: 5_000, threads: 1);

    [Fact]
    public void Conversion_is_the_exact_value_rounded_half_away_from_zero() =>
        Gen.Select(GenTable, GenCode, GenCode, GenAmount).Sample((table, from, to, amount) =>
        {
            var expected = from == to ? amount : ExactConversion(table, amount, from, to);
            var fits = new ExchangeRates(table).TryConvert(amount, from, to, out var converted);

            Assert.Equal(expected <= Amounts.Max, fits);
            if (fits)
            {
                Assert.Equal(expected, (BigInteger)converted);
            }
        }, iter: 5_000, threads: 1);

    // Rational arithmetic on the rates' exact digits: amount * to / from, scaled by the minor-unit exponents.
    private static BigInteger ExactConversion(Dictionary<string, decimal> table, long amount, string from, string to)
    {
        var (fromDigits, fromScale) = Exact(table[from]);
        var (toDigits, toScale) = Exact(table[to]);
        var numerator = amount * toDigits * BigInteger.Pow(10, Currencies.MinorUnits(to) + fromScale);
        var denominator = fromDigits * BigInteger.Pow(10, Currencies.MinorUnits(from) + toScale);
        var whole = BigInteger.DivRem(numerator, denominator, out var remainder);
        return 2 * remainder >= denominator ? whole + 1 : whole;
    }

    private static (BigInteger Digits, int Scale) Exact(decimal value)
    {
        var bits = decimal.GetBits(value);
        var digits = new BigInteger((uint)bits[0]) | new BigInteger((uint)bits[1]) << 32 | new BigInteger((uint)bits[2]) << 64;
        return (digits, (bits[3] >> 16) & 0xFF);
    }

    private static decimal Pow10(int exponent) => Enumerable.Repeat(10m, exponent).Aggregate(1m, (power, ten) => power * ten);

    [Fact]
    public void A_rate_with_many_digits_still_rounds_only_once()
    {
        // 281,952,494,689,387 JPY at 162.123456789013 per euro is 173,912,214,971,038.4999999999999969… cents: a hair
        // under a half. Rounded to decimal's 28 digits before the final rounding, it would become .5 and gain a cent.
        var rates = new ExchangeRates(new Dictionary<string, decimal> { ["EUR"] = 1m, ["JPY"] = 162.123456789013m });

        Assert.True(rates.TryConvert(281_952_494_689_387, "JPY", "EUR", out var converted));
        Assert.Equal(173_912_214_971_038, converted);
    }
}
