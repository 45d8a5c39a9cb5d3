namespace Actors.Tests.Infrastructure;

/// <summary>
/// The <c>Receipts</c> keys every test API runs with: a fixed EC P-256 test key that signs (never used anywhere else, not
/// a secret), and the public half of a retired one, published beside it as after a rotation.
/// </summary>
public static class ReceiptTestSettings
{
    public const string KeyId = "receipts-test-2";

    public const string SigningKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPJwyR2wEW4IShpeY
        RVhsJYWv1/oQfbp3ps9N4yPP2hShRANCAARvAzot6h/CCuW03EyfzX5a7Z/biy8j
        JsnmasAsaHSmaRAEBrFN5UBhrh291lVnOz121KJ3z6i21Ae0242Ou/o9
        -----END PRIVATE KEY-----
        """;

    /// <summary>The retired key, whose receipts must still verify with the published keys.</summary>
    public const string RetiredKeyId = "receipts-test-1";

    public const string RetiredSigningKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7iBX+URsZH7Te7SD
        RCCJ4xsBDrJaDn6f/zKIZU/BrROhRANCAASz9Cy87ClvN1czOhtAgquJGW8hlBG1
        mP21JV/qOGsE2+NxJLZjUd18XLt2DwaDBVNmc/U1ojFnlR5lCJx3NgkK
        -----END PRIVATE KEY-----
        """;

    public const string RetiredPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEs/QsvOwpbzdXMzobQIKriRlvIZQR
        tZj9tSVf6jhrBNvjcSS2Y1HdfFy7dg8GgwVTZnP1NaIxZ5UeZQicdzYJCg==
        -----END PUBLIC KEY-----
        """;

    public static Dictionary<string, string?> Values => new()
    {
        ["Receipts:SigningKey"] = SigningKey,
        ["Receipts:KeyId"] = KeyId,
        [$"Receipts:PublishedKeys:{RetiredKeyId}"] = RetiredPublicKey,
    };
}
