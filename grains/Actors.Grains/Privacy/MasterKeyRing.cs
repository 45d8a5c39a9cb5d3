using Microsoft.Extensions.Options;

namespace Actors.Grains.Privacy;

/// <summary>
/// The master keys of <see cref="PrivacySettings"/>: they wrap and unwrap customers' data keys (envelope encryption)
/// and never seal data themselves. A data key is wrapped for its customer and master key id, so a wrapped key moved
/// to another customer's row does not unwrap.
/// </summary>
public sealed class MasterKeyRing
{
    private const string Purpose = "data-key";
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

    /// <summary>The id new data keys are wrapped with.</summary>
    public string ActiveId { get; }

    /// <summary>Every configured master key id.</summary>
    public string[] Ids => [.. keys.Keys];

    public byte[] Wrap(string customerId, ReadOnlySpan<byte> dataKey) =>
        Sealing.Seal(keys[ActiveId], dataKey, Sealing.Associated(Purpose, customerId, ActiveId));

    /// <exception cref="InvalidDataException">The master key is not configured, or the wrapped key does not open with it.</exception>
    public byte[] Unwrap(string customerId, string masterKeyId, ReadOnlySpan<byte> wrapped)
    {
        if (!keys.TryGetValue(masterKeyId, out var master))
        {
            throw new InvalidDataException(
                $"The data key of {customerId} is wrapped with master key '{masterKeyId}', which {PrivacySettings.Section}:MasterKeys no longer lists.");
        }
        var dataKey = Sealing.Open(master, wrapped, Sealing.Associated(Purpose, customerId, masterKeyId));
        return dataKey.Length == Sealing.KeyBytes ? dataKey : throw new InvalidDataException($"The data key of {customerId} has the wrong length.");
    }
}
