using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Actors.Api.Audit;

/// <summary>
/// What a receipt states about one consent or limits change: whose, which journal entry and its chain hash, what
/// changed, when, and through which channel and device (when the entry records them).
/// </summary>
public sealed record Receipt(
    [property: JsonPropertyName("iss")] string Issuer,
    [property: JsonPropertyName("sub")] string CustomerId,
    long Sequence,
    string Kind,
    AuditChange Change,
    string Summary,
    DateTimeOffset At,
    string? Channel,
    string? DeviceId,
    string AuditHash);

/// <summary>A signed receipt: the receipt, its compact JWS (ES256) and the id of the key that signed it.</summary>
public sealed record SignedReceipt(JsonElement Receipt, string Jws, string KeyId);

/// <summary>The published verification keys, as a JSON Web Key Set (RFC 7517).</summary>
public sealed record ReceiptKeySet(ReceiptKey[] Keys);

/// <summary>One EC P-256 public key of <see cref="ReceiptKeySet"/>.</summary>
public sealed record ReceiptKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm);

/// <summary>
/// Signs receipts as compact JWS with the configured key (ES256, through the JOSE library the API already uses for its
/// tokens), and publishes the current and retired public keys, so anyone verifies a receipt with nothing but the key set.
/// </summary>
public sealed class ReceiptSigner
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    // A receipt states a past fact: it carries no expiry, and nothing is added to what it says.
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials credentials;

    public ReceiptSigner(IOptions<ReceiptSettings> options)
    {
        var settings = options.Value;
        Issuer = settings.Issuer;
        KeyId = settings.KeyId!;
        var signing = new ECDsaSecurityKey(ReceiptSettings.Load(settings.SigningKey, privateKey: true)!) { KeyId = KeyId };
        credentials = new SigningCredentials(signing, SecurityAlgorithms.EcdsaSha256);
        Keys = new ReceiptKeySet([
            Published(signing.ECDsa, KeyId),
            .. settings.PublishedKeys.Select(published => Published(ReceiptSettings.Load(published.Value, privateKey: false)!, published.Key)),
        ]);
    }

    public string Issuer { get; }

    public string KeyId { get; }

    public ReceiptKeySet Keys { get; }

    public SignedReceipt Sign(Receipt receipt)
    {
        var payload = JsonSerializer.Serialize(receipt, PayloadJson);
        return new SignedReceipt(JsonDocument.Parse(payload).RootElement.Clone(), handler.CreateToken(payload, credentials), KeyId);
    }

    private static ReceiptKey Published(System.Security.Cryptography.ECDsa key, string keyId)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key) { KeyId = keyId });
        return new ReceiptKey(jwk.Kty, jwk.Crv, jwk.X, jwk.Y, keyId, "sig", SecurityAlgorithms.EcdsaSha256);
    }
}
