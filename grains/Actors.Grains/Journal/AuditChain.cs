using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Grains.Journal;

/// <summary>The hash of a customer's last audit entry: what the next one links to.</summary>
public sealed record AuditHead(ImmutableArray<byte> Hash)
{
    /// <summary>The head of a customer with no audit entry yet.</summary>
    public static AuditHead Genesis { get; } = new(AuditChain.Genesis);
}

/// <summary>
/// Where a customer's kept audit trail begins once retention removed its oldest entries: every entry up to
/// <see cref="Sequence"/> is gone, and the last of them hashed to <see cref="Hash"/>, which the first kept one links to.
/// </summary>
public sealed record AuditAnchor(long Sequence, byte[] Hash);

/// <summary>One audit entry as its journal row stores it: what the chain hash covers, and the hashes stored with it.</summary>
/// <param name="Payload">The payload bytes as stored, sealed: the chain is checked without the customer's data key.</param>
public sealed record AuditRow(long Sequence, string EventType, DateTimeOffset RecordedAt, byte[] Payload, byte[] Hash, byte[]? Previous);

/// <summary>What checking a customer's audit chain found: every entry links to the one before, or where it breaks and why.</summary>
public sealed record AuditVerification(bool Verified, int Entries, long? BrokenAt, string? Reason)
{
    public static AuditVerification Intact(int entries) => new(true, entries, null, null);

    public static AuditVerification Broken(int entries, long sequence, string reason) => new(false, entries, sequence, reason);
}

/// <summary>
/// The hash chain of a customer's audit entries: each entry's hash is SHA-256 over the previous entry's hash (32 zero
/// bytes for the first), the customer id, the sequence, the event type, the time recorded (in whole microseconds, as
/// PostgreSQL keeps it) and the stored payload. Every field has a fixed length or a length prefix, so no two different
/// entries hash the same bytes. The payload is the sealed one, so the chain stays checkable after erasure destroys the
/// key that opens it.
/// </summary>
public static class AuditChain
{
    public const int HashBytes = 32;

    /// <summary>What the first entry of a customer links to.</summary>
    public static ImmutableArray<byte> Genesis { get; } = ImmutableArray.Create(new byte[HashBytes]);

    /// <summary>The hash of an entry whose predecessor's hash is <paramref name="previous"/>.</summary>
    public static byte[] Link(ReadOnlySpan<byte> previous, string customerId, long sequence, string eventType, DateTimeOffset recordedAt, ReadOnlySpan<byte> payload)
    {
        if (previous.Length != HashBytes)
        {
            throw new ArgumentException($"A chain hash has {HashBytes} bytes.", nameof(previous));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[sizeof(long)];
        hash.AppendData(previous);
        AppendText(hash, customerId);
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        AppendText(hash, eventType);
        BinaryPrimitives.WriteInt64BigEndian(number, ToMicroseconds(recordedAt));
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, payload.Length);
        hash.AppendData(number);
        hash.AppendData(payload);
        return hash.GetHashAndReset();
    }

    /// <summary><paramref name="at"/> in UTC, cut to whole microseconds: the instant a <c>timestamptz</c> gives back.</summary>
    public static DateTimeOffset Recorded(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);
    }

    /// <summary>
    /// Recomputes the chain of <paramref name="rows"/> (every audit row of <paramref name="customerId"/>, in sequence
    /// order) and compares it with the hashes stored: an edited field, a removed or reordered entry, or an edited hash
    /// breaks it at the first entry that no longer links. With an <paramref name="anchor"/> (retention removed the oldest
    /// entries) the chain starts from it, and no entry may remain at or before it.
    /// </summary>
    public static AuditVerification Verify(string customerId, IEnumerable<AuditRow> rows, AuditAnchor? anchor = null)
    {
        var previous = anchor?.Hash ?? Genesis.ToArray();
        var count = 0;
        foreach (var row in rows)
        {
            count++;
            if (row.Sequence <= (anchor?.Sequence ?? 0))
            {
                return AuditVerification.Broken(count, row.Sequence, "The entry is older than where the kept trail begins.");
            }
            if (row.Previous is { } stored && !stored.AsSpan().SequenceEqual(previous))
            {
                return AuditVerification.Broken(count, row.Sequence, "The entry does not link to the entry before it: an entry is missing or was changed.");
            }
            var expected = Link(previous, customerId, row.Sequence, row.EventType, row.RecordedAt, row.Payload);
            if (!CryptographicOperations.FixedTimeEquals(expected, row.Hash))
            {
                return AuditVerification.Broken(count, row.Sequence, "The entry's hash does not match what it holds: it was changed after it was written.");
            }
            previous = expected;
        }
        return AuditVerification.Intact(count);
    }

    private static long ToMicroseconds(DateTimeOffset at) => (Recorded(at).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);

    private static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
