using Actors.Grains.Webhooks;

namespace Actors.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    private const string Secret = "whsec_0123456789abcdef";
    private const string Body = """{"id":"evt_cus_1","type":"payment.succeeded"}""";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_signature_verifies_against_its_body_secret_and_time()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);

        Assert.StartsWith($"t={At.ToUnixTimeSeconds()},v1=", header);
        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(4)));
    }

    [Fact]
    public void A_signature_matches_the_documented_hmac_of_timestamp_dot_body()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Secret), System.Text.Encoding.UTF8.GetBytes($"{At.ToUnixTimeSeconds()}.{Body}")));

        Assert.Equal($"t={At.ToUnixTimeSeconds()},v1={expected}", WebhookSignature.Sign(Secret, At, Body));
    }

    [Fact]
    public void A_changed_body_another_secret_an_old_or_future_timestamp_or_a_garbled_header_does_not_verify()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);

        Assert.False(WebhookSignature.Verify(Secret, header, Body.Replace("succeeded", "declined"), At));
        Assert.False(WebhookSignature.Verify("whsec_another_secret_000", header, Body, At));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(-6)));
        Assert.False(WebhookSignature.Verify(Secret, header.Replace($"t={At.ToUnixTimeSeconds()}", $"t={At.ToUnixTimeSeconds() + 1}"), Body, At));
        Assert.False(WebhookSignature.Verify(Secret, null, Body, At));
        Assert.False(WebhookSignature.Verify(Secret, "v1=abc", Body, At));
        Assert.False(WebhookSignature.Verify(Secret, "t=x,v1=" + new string('0', 64), Body, At));
        Assert.False(WebhookSignature.Verify(Secret, $"t={long.MaxValue},v1=" + new string('0', 64), Body, At));
    }

    [Fact]
    public void Any_of_several_v1_signatures_may_match_and_a_wider_window_is_the_receivers_choice()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);
        var rolled = header.Replace(",v1=", $",v1={new string('a', 64)},v1=");

        Assert.True(WebhookSignature.Verify(Secret, rolled, Body, At));
        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(20), TimeSpan.FromMinutes(30)));
    }

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 0.998, 999)]
    [InlineData(2, 0.0, 1_000)]
    [InlineData(3, 0.5, 3_000)]
    [InlineData(10, 0.0, 30_000)]
    [InlineData(10, 1.0, 60_000)]
    [InlineData(1_000, 0.0, 30_000)]
    public void Backoff_doubles_per_attempt_is_capped_and_jitters_within_its_upper_half(int attempts, double random, long milliseconds)
    {
        var delay = WebhookBackoff.Delay(attempts, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), random);

        Assert.Equal(milliseconds, (long)Math.Round(delay.TotalMilliseconds));
    }

    [Fact]
    public void An_event_id_is_the_customer_and_sequence_and_reads_back()
    {
        var customer = Actors.Grains.Customers.CustomerId.New();
        var id = WebhookEventId.Of(customer, 42);

        Assert.Equal($"evt_{customer}_42", id);
        Assert.True(WebhookEventId.TryParse(id, out var parsedCustomer, out var sequence));
        Assert.Equal((customer, 42L), (parsedCustomer, sequence));
        Assert.False(WebhookEventId.TryParse("evt_cus_nope_1", out _, out _));
        Assert.False(WebhookEventId.TryParse($"evt_{customer}_0", out _, out _));
        Assert.False(WebhookEventId.TryParse($"evt_{customer}_-3", out _, out _));
        Assert.False(WebhookEventId.TryParse(customer, out _, out _));
    }

    [Theory]
    [InlineData("https://shop.example/hooks", true)]
    [InlineData("http://127.0.0.1:8080/hooks?x=1", true)]
    [InlineData("ftp://shop.example/hooks", false)]
    [InlineData("shop.example/hooks", false)]
    [InlineData("https://user:pass@shop.example/hooks", false)]
    [InlineData("https://shop.example/hooks#part", false)]
    [InlineData("", false)]
    public void Only_absolute_http_urls_without_credentials_are_taken(string url, bool taken)
    {
        var (draft, errors) = WebhookRegistration.Check(url, ["payment.succeeded"], null);

        Assert.Equal(taken, draft is not null);
        Assert.Equal(taken, !errors.ContainsKey("url"));
    }

    [Fact]
    public void Events_must_be_known_and_named_once_and_a_missing_secret_is_made()
    {
        Assert.True(WebhookRegistration.Check("https://a.example", ["payment.succeeded", "payment.boom"], null).Errors.ContainsKey("events[1]"));
        Assert.True(WebhookRegistration.Check("https://a.example", ["consent.changed", "consent.changed"], null).Errors.ContainsKey("events"));
        Assert.True(WebhookRegistration.Check("https://a.example", [], null).Errors.ContainsKey("events"));
        Assert.True(WebhookRegistration.Check("https://a.example", [null], null).Errors.ContainsKey("events[0]"));
        Assert.True(WebhookRegistration.Check("https://a.example", ["consent.changed"], "has a space inside it").Errors.ContainsKey("secret"));

        var made = WebhookRegistration.Check("https://a.example", ["consent.changed"], null).Draft!;
        Assert.True(made.SecretGenerated);
        Assert.Equal(6 + 64, made.Secret.Length);
        var given = WebhookRegistration.Check("https://a.example", ["consent.changed"], "my-own-secret-of-length").Draft!;
        Assert.False(given.SecretGenerated);
        Assert.Equal("my-own-secret-of-length", given.Secret);
    }

    [Fact]
    public void Every_documented_event_name_comes_from_one_journal_event()
    {
        Assert.Equal(11, WebhookEvents.All.Length);
        Assert.Equal(WebhookEvents.All.Length, WebhookEvents.JournalTypes(WebhookEvents.All).Length);
        Assert.All(WebhookEvents.All, name => Assert.Equal(name, WebhookEvents.NameOfJournalType(WebhookEvents.JournalTypes([name]).Single())));
    }
}
