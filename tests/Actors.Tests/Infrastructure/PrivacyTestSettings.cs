using Actors.Grains.Privacy;
using Microsoft.Extensions.Options;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// The <c>Privacy</c> keys every test host runs with: fixed, known test keys (never used anywhere else), so any host of
/// a test opens what another sealed.
/// </summary>
public static class PrivacyTestSettings
{
    public const string MasterKeyId = "test-1";

    /// <summary>32 bytes of 0x11, base64: a test key, not a secret.</summary>
    public const string MasterKey = "ERERERERERERERERERERERERERERERERERERERERERE=";

    /// <summary>32 bytes of 0x22, base64.</summary>
    public const string IdentifierKey = "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=";

    /// <summary>The identity grain keys the test hosts use.</summary>
    public static IdentityKeys IdentityKeys { get; } = new(Options.Create(new PrivacySettings { IdentifierKey = IdentifierKey }));

    /// <summary>The master key ring the test hosts use.</summary>
    public static MasterKeyRing MasterKeys { get; } = new(Options.Create(new PrivacySettings
    {
        MasterKeys = new() { [MasterKeyId] = MasterKey },
        ActiveMasterKey = MasterKeyId,
        IdentifierKey = IdentifierKey,
    }));

    public static Dictionary<string, string?> Values => new()
    {
        [$"Privacy:MasterKeys:{MasterKeyId}"] = MasterKey,
        ["Privacy:ActiveMasterKey"] = MasterKeyId,
        ["Privacy:IdentifierKey"] = IdentifierKey,
    };
}
