using System.Globalization;

namespace Actors.Grains.Privacy;

/// <summary>What a sealed value is, part of its associated data: a value sealed as one never opens as another.</summary>
public static class SealedPurposes
{
    public const string Event = "event";
    public const string Snapshot = "snapshot";
    public const string Description = "description";
}

/// <summary>One customer's unwrapped data key: it seals and opens everything of theirs that can hold PII.</summary>
public sealed class DataKey(string customerId, byte[] key)
{
    public string CustomerId { get; } = customerId;

    public byte[] Seal(string purpose, long sequence, ReadOnlySpan<byte> plaintext) =>
        Sealing.Seal(key, plaintext, Associated(purpose, sequence));

    /// <exception cref="InvalidDataException">The value was changed, or belongs to another customer, purpose or sequence.</exception>
    public byte[] Open(string purpose, long sequence, ReadOnlySpan<byte> sealedBytes)
    {
        try
        {
            return Sealing.Open(key, sealedBytes, Associated(purpose, sequence));
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"The {purpose} of {CustomerId} at {sequence} is corrupt: {exception.Message}", exception);
        }
    }

    private byte[] Associated(string purpose, long sequence) =>
        Sealing.Associated(CustomerId, purpose, sequence.ToString(CultureInfo.InvariantCulture));
}
