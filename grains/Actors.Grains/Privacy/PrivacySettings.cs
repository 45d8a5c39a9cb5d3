namespace Actors.Grains.Privacy;

/// <summary>
/// The <c>Privacy</c> configuration section: the master keys that wrap each customer's data key, which of them wraps
/// new ones, and the key that hashes identifiers into identity grain keys. Every key is 32 random bytes in base64.
/// There is no default and no plaintext fallback: a host without valid keys does not start.
/// </summary>
public sealed class PrivacySettings
{
    public const string Section = "Privacy";

    /// <summary>Master key id → base64 key. Old ids stay listed until their data keys are rewrapped (see the README).</summary>
    public Dictionary<string, string> MasterKeys { get; set; } = [];

    /// <summary>The id in <see cref="MasterKeys"/> that wraps new data keys, and that older ones are rewrapped to.</summary>
    public string? ActiveMasterKey { get; set; }

    /// <summary>The HMAC-SHA256 key of identity grain keys; changing it orphans every identifier claim.</summary>
    public string? IdentifierKey { get; set; }

    /// <summary>What is wrong with these settings, naming the keys to set; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MasterKeys.Count == 0)
        {
            problems.Add($"{Section}:MasterKeys is empty: give at least one master key id with a base64 32-byte key.");
        }
        foreach (var (id, key) in MasterKeys)
        {
            if (!IsKeyId(id))
            {
                problems.Add($"{Section}:MasterKeys has the id '{id}': use 1–64 of A-Z a-z 0-9 . _ -.");
            }
            if (Decode(key) is null)
            {
                problems.Add($"{Section}:MasterKeys:{id} is not a base64 32-byte key.");
            }
        }
        if (string.IsNullOrWhiteSpace(ActiveMasterKey) || !MasterKeys.ContainsKey(ActiveMasterKey))
        {
            problems.Add($"{Section}:ActiveMasterKey must name one of {Section}:MasterKeys.");
        }
        if (Decode(IdentifierKey) is null)
        {
            problems.Add($"{Section}:IdentifierKey is not a base64 32-byte key.");
        }
        return problems;
    }

    /// <summary>The 32 bytes of a base64 key, or null when it is missing or another length.</summary>
    public static byte[]? Decode(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var bytes = new byte[48];
        return Convert.TryFromBase64String(key.Trim(), bytes, out var written) && written == Sealing.KeyBytes ? bytes[..written] : null;
    }

    private static bool IsKeyId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
