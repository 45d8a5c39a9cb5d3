using Microsoft.Extensions.Options;

namespace Actors.Grains.Privacy;

/// <summary>
/// The master keys of <see cref="PrivacySettings"/>: they seal keys (customers' data keys, webhook signing secrets) and
/// never data itself. A key is sealed for what it is, its owner and the master key id, so a sealed key moved to another
/// owner's row does not open; the id is stored beside it, so keys sealed before a rotation still open after it.
/// </summary>
public sealed class MasterKeyRing
{
    /// <summary>What a sealed key is, part of its associated data: a key sealed as one never opens as another.</summary>
    public const string DataKeyPurpose = "data-key";

    /// <inheritdoc cref="DataKeyPurpose"/>
    public const string WebhookSecretPurpose = "webhook-secret";

    private readonly Dictionary<string, byte[]> keys;

    public MasterKeyRing(IOptions<PrivacySettings> options)
    {
        var settings = options.Value;
        if (settings.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
        keys = settings.MasterKeys.ToDictionary(entry => entry.Key, entry => PrivacySettings.Decode(entry.Value)!, StringComparer.Ordinal);
        ActiveId = settings.ActiveMasterKey!;
    }

    /// <summary>The id new keys are sealed with, and that older ones are rewrapped to.</summary>
    public string ActiveId { get; }

    /// <summary>Every configured master key id.</summary>
    public string[] Ids => [.. keys.Keys];

    public byte[] Wrap(string customerId, ReadOnlySpan<byte> dataKey) => Seal(DataKeyPurpose, customerId, dataKey);

    /// <exception cref="InvalidDataException">The master key is not configured, or the wrapped key does not open with it.</exception>
    public byte[] Unwrap(string customerId, string masterKeyId, ReadOnlySpan<byte> wrapped)
    {
        var dataKey = Open(DataKeyPurpose, customerId, masterKeyId, wrapped);
        return dataKey.Length == Sealing.KeyBytes ? dataKey : throw new InvalidDataException($"The data key of {customerId} has the wrong length.");
    }

    /// <summary>Seals <paramref name="key"/> of <paramref name="ownerId"/> with the active master key (<see cref="ActiveId"/>).</summary>
    public byte[] Seal(string purpose, string ownerId, ReadOnlySpan<byte> key) =>
        Sealing.Seal(keys[ActiveId], key, Sealing.Associated(purpose, ownerId, ActiveId));

    /// <summary>The key that <see cref="Seal"/> sealed for <paramref name="ownerId"/> with master key <paramref name="masterKeyId"/>.</summary>
    /// <exception cref="InvalidDataException">The master key is not configured, or the sealed key does not open with it (changed, or another owner's).</exception>
    public byte[] Open(string purpose, string ownerId, string masterKeyId, ReadOnlySpan<byte> sealedKey)
    {
        if (!keys.TryGetValue(masterKeyId, out var master))
        {
            throw new InvalidDataException(
                $"The {Describe(purpose)} of {ownerId} is sealed with master key '{masterKeyId}', which {PrivacySettings.Section}:MasterKeys no longer lists.");
        }
        try
        {
            return Sealing.Open(master, sealedKey, Sealing.Associated(purpose, ownerId, masterKeyId));
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"The {Describe(purpose)} of {ownerId} does not open: {exception.Message}", exception);
        }
    }

    private static string Describe(string purpose) => purpose.Replace('-', ' ');
}
