using System.Security.Cryptography;

namespace Actors.Api.Audit;

/// <summary>
/// The <c>Receipts</c> configuration section: the EC P-256 key (PEM, PKCS#8) that signs receipts, its id, and the public
/// keys of earlier signing keys that are still published so receipts they signed keep verifying. There is no default:
/// an API without a valid signing key does not start.
/// </summary>
public sealed class ReceiptSettings
{
    public const string Section = "Receipts";

    /// <summary>The private key that signs new receipts: PEM <c>-----BEGIN PRIVATE KEY-----</c>, EC P-256.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>kid</c> of <see cref="SigningKey"/>, in every receipt's header and in the published key set.</summary>
    public string? KeyId { get; set; }

    /// <summary>Who signs: the receipt's <c>iss</c>.</summary>
    public string Issuer { get; set; } = "actors";

    /// <summary>Key id → PEM public key of retired signing keys, published beside the current one (see the README, rotation).</summary>
    public Dictionary<string, string> PublishedKeys { get; set; } = [];

    /// <summary>What is wrong with these settings, naming the keys to set; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!IsKeyId(KeyId))
        {
            problems.Add($"{Section}:KeyId is missing or not 1–64 of A-Z a-z 0-9 . _ -.");
        }
        if (Load(SigningKey, privateKey: true) is { } signing)
        {
            signing.Dispose();
        }
        else
        {
            problems.Add($"{Section}:SigningKey is missing or not an EC P-256 private key in PEM (PKCS#8).");
        }
        foreach (var (id, key) in PublishedKeys)
        {
            if (!IsKeyId(id) || id == KeyId)
            {
                problems.Add($"{Section}:PublishedKeys has the id '{id}': use 1–64 of A-Z a-z 0-9 . _ -, other than {Section}:KeyId.");
            }
            if (Load(key, privateKey: false) is { } published)
            {
                published.Dispose();
            }
            else
            {
                problems.Add($"{Section}:PublishedKeys:{id} is not an EC P-256 public key in PEM.");
            }
        }
        if (string.IsNullOrWhiteSpace(Issuer))
        {
            problems.Add($"{Section}:Issuer is empty.");
        }
        return problems;
    }

    /// <summary>The P-256 key in <paramref name="pem"/>, or null when it is missing, malformed, another curve, or not the kind asked for.</summary>
    public static ECDsa? Load(string? pem, bool privateKey)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            var isPrivate = privateKey && HasPrivateKey(key);
            if (parameters.Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value && (isPrivate || !privateKey))
            {
                return key;
            }
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
        }
        key.Dispose();
        return null;
    }

    private static bool HasPrivateKey(ECDsa key)
    {
        try
        {
            return key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsKeyId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
