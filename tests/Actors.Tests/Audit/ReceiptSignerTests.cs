using System.Text;
using System.Text.Json;
using Actors.Api.Audit;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Actors.Tests.Audit;

/// <summary>Receipts signed with the configured key verify with the published key set, and with nothing else.</summary>
public sealed class ReceiptSignerTests
{
    private static readonly Receipt Sample = new("actors", "cus_0123456789abcdefghjk", 7, "consent",
        new ConsentChange("marketing", true, "2026-11", "web", "phone-1"), "marketing granted via web under policy 2026-11",
        new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero), "web", "phone-1", new string('a', 64));

    private static ReceiptSigner Signer(string signingKey = ReceiptTestSettings.SigningKey, string keyId = ReceiptTestSettings.KeyId,
        Dictionary<string, string>? published = null) =>
        new(Options.Create(new ReceiptSettings { SigningKey = signingKey, KeyId = keyId, PublishedKeys = published ?? [] }));

    private static ReceiptSigner Configured() =>
        Signer(published: new() { [ReceiptTestSettings.RetiredKeyId] = ReceiptTestSettings.RetiredPublicKey });

    private static Task<TokenValidationResult> Validate(string jws, ReceiptKeySet keys) =>
        new JsonWebTokenHandler().ValidateTokenAsync(jws, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(JsonSerializer.Serialize(keys, new JsonSerializerOptions(JsonSerializerDefaults.Web))).GetSigningKeys(),
            ValidIssuer = "actors",
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });

    [Fact]
    public async Task A_signed_receipt_verifies_with_the_published_keys_and_carries_the_receipt()
    {
        var signer = Configured();
        var signed = signer.Sign(Sample);

        var result = await Validate(signed.Jws, signer.Keys);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(ReceiptTestSettings.KeyId, signed.KeyId);
        Assert.Equal("ES256", ((JsonWebToken)result.SecurityToken).Alg);
        Assert.Equal(ReceiptTestSettings.KeyId, ((JsonWebToken)result.SecurityToken).Kid);
        Assert.Equal("cus_0123456789abcdefghjk", result.Claims["sub"]);
        Assert.Equal(7L, Convert.ToInt64(result.Claims["sequence"]));
        Assert.Equal("consent", signed.Receipt.GetProperty("kind").GetString());
        Assert.Equal("marketing", signed.Receipt.GetProperty("change").GetProperty("purpose").GetString());
        Assert.False(signed.Receipt.TryGetProperty("exp", out _));
    }

    [Fact]
    public async Task A_receipt_edited_after_signing_does_not_verify()
    {
        var signer = Configured();
        var parts = signer.Sign(Sample).Jws.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        Assert.Contains("\"granted\":true", payload);
        var edited = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload.Replace("\"granted\":true", "\"granted\":false")));

        var result = await Validate($"{parts[0]}.{edited}.{parts[2]}", signer.Keys);

        Assert.False(result.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(result.Exception);
    }

    [Fact]
    public async Task A_receipt_signed_with_a_retired_key_still_verifies_while_its_public_key_is_published()
    {
        var retired = Signer(ReceiptTestSettings.RetiredSigningKey, ReceiptTestSettings.RetiredKeyId);
        var old = retired.Sign(Sample);

        Assert.True((await Validate(old.Jws, Configured().Keys)).IsValid);
        Assert.False((await Validate(old.Jws, Signer().Keys)).IsValid);
        Assert.Equal([ReceiptTestSettings.KeyId, ReceiptTestSettings.RetiredKeyId], Configured().Keys.Keys.Select(key => key.KeyId));
    }

    [Fact]
    public void The_key_set_publishes_public_keys_only()
    {
        var json = JsonSerializer.Serialize(Configured().Keys, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var document = JsonDocument.Parse(json);
        Assert.All(document.RootElement.GetProperty("keys").EnumerateArray(), key =>
        {
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.False(key.TryGetProperty("d", out _));
        });
    }

    [Theory]
    [InlineData(null, "k1", "Receipts:SigningKey")]
    [InlineData("not a key", "k1", "Receipts:SigningKey")]
    [InlineData(ReceiptTestSettings.RetiredPublicKey, "k1", "Receipts:SigningKey")]
    [InlineData(ReceiptTestSettings.SigningKey, null, "Receipts:KeyId")]
    [InlineData(ReceiptTestSettings.SigningKey, "a key", "Receipts:KeyId")]
    public void Settings_without_a_usable_signing_key_name_what_to_set(string? signingKey, string? keyId, string named)
    {
        var problems = new ReceiptSettings { SigningKey = signingKey, KeyId = keyId }.Problems();
        Assert.Contains(problems, problem => problem.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_test_settings_are_usable()
    {
        Assert.Empty(new ReceiptSettings
        {
            SigningKey = ReceiptTestSettings.SigningKey,
            KeyId = ReceiptTestSettings.KeyId,
            PublishedKeys = new() { [ReceiptTestSettings.RetiredKeyId] = ReceiptTestSettings.RetiredPublicKey },
        }.Problems());
    }
}
