using Actors.Grains.Journal;

namespace Actors.Tests.Journal;

/// <summary>The audit chain's hash: what it covers, how entries link, and that verification finds the first entry changed.</summary>
public sealed class AuditChainTests
{
    private const string Customer = "cus_0123456789abcdefghjk";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 15, 30, 123, TimeSpan.Zero);
    private static readonly byte[] Payload = [1, 2, 3, 4, 5, 6, 7, 8];

    private static byte[] First(string customer = Customer, long sequence = 4, string type = "consent-recorded-v1", DateTimeOffset? at = null, byte[]? payload = null) =>
        AuditChain.Link(AuditChain.Genesis.AsSpan(), customer, sequence, type, at ?? At, payload ?? Payload);

    /// <summary>Three entries at sequences 2, 5, 9, each linked to the one before, as the journal stores them.</summary>
    private static List<AuditRow> Chain()
    {
        var rows = new List<AuditRow>();
        var previous = AuditChain.Genesis.ToArray();
        foreach (var (sequence, type) in new[] { (2L, "consent-recorded-v1"), (5L, "caps-set-v1"), (9L, "self-exclusion-set-v1") })
        {
            byte[] payload = [(byte)sequence, 0xAB, 0xCD];
            var hash = AuditChain.Link(previous, Customer, sequence, type, At.AddMinutes(sequence), payload);
            rows.Add(new AuditRow(sequence, type, At.AddMinutes(sequence), payload, hash, previous));
            previous = hash;
        }
        return rows;
    }

    [Fact]
    public void The_first_entry_links_to_32_zero_bytes_and_the_hash_is_sha256_sized()
    {
        Assert.Equal(new byte[32], AuditChain.Genesis.ToArray());
        Assert.Equal(32, First().Length);
        Assert.Equal(First(), First());
    }

    [Fact]
    public void Every_field_the_hash_covers_changes_it()
    {
        var original = First();
        Assert.NotEqual(original, First(customer: "cus_0123456789abcdefghjm"));
        Assert.NotEqual(original, First(sequence: 5));
        Assert.NotEqual(original, First(type: "caps-set-v1"));
        Assert.NotEqual(original, First(at: At.AddTicks(10)));
        Assert.NotEqual(original, AuditChain.Link(new byte[32].Select((_, i) => (byte)(i == 31 ? 1 : 0)).ToArray(), Customer, 4, "consent-recorded-v1", At, Payload));
    }

    [Fact]
    public void One_changed_bit_anywhere_in_the_payload_changes_the_hash()
    {
        var original = First();
        for (var i = 0; i < Payload.Length; i++)
        {
            var changed = (byte[])Payload.Clone();
            changed[i] ^= 0x01;
            Assert.NotEqual(original, First(payload: changed));
        }
        Assert.NotEqual(original, First(payload: [.. Payload, 0]));
    }

    [Fact]
    public void The_time_counts_in_whole_microseconds_as_PostgreSQL_keeps_it()
    {
        // 100 ns below a microsecond is what a timestamptz drops; the hash must be the one of what is stored.
        Assert.Equal(First(), First(at: At.AddTicks(9)));
        Assert.Equal(First(), First(at: At.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 15, 30, 123, TimeSpan.Zero).AddTicks(40), AuditChain.Recorded(At.AddTicks(47)));
    }

    [Fact]
    public void Fields_cannot_trade_bytes_with_each_other()
    {
        // Length prefixes: moving a character from the customer id into the type is another entry.
        Assert.NotEqual(
            AuditChain.Link(AuditChain.Genesis.AsSpan(), "cus_a", 1, "bc", At, Payload),
            AuditChain.Link(AuditChain.Genesis.AsSpan(), "cus_ab", 1, "c", At, Payload));
    }

    [Fact]
    public void Order_matters_each_hash_depends_on_every_entry_before_it()
    {
        var rows = Chain();
        var swapped = AuditChain.Link(AuditChain.Genesis.AsSpan(), Customer, rows[1].Sequence, rows[1].EventType, rows[1].RecordedAt, rows[1].Payload);
        Assert.NotEqual(rows[1].Hash, swapped);
    }

    [Fact]
    public void An_intact_chain_verifies_with_its_entry_count()
    {
        Assert.Equal(AuditVerification.Intact(3), AuditChain.Verify(Customer, Chain()));
        Assert.Equal(AuditVerification.Intact(0), AuditChain.Verify(Customer, []));
    }

    [Fact]
    public void A_changed_payload_time_or_hash_breaks_the_chain_at_that_entry()
    {
        var payload = Chain();
        payload[1] = payload[1] with { Payload = [.. payload[1].Payload[..^1], (byte)(payload[1].Payload[^1] ^ 0x80)] };
        Assert.Equal(5, AuditChain.Verify(Customer, payload).BrokenAt);

        var time = Chain();
        time[2] = time[2] with { RecordedAt = time[2].RecordedAt.AddSeconds(-1) };
        Assert.Equal(9, AuditChain.Verify(Customer, time).BrokenAt);

        var hash = Chain();
        hash[0] = hash[0] with { Hash = [.. hash[0].Hash.Reverse()] };
        var broken = AuditChain.Verify(Customer, hash);
        Assert.False(broken.Verified);
        Assert.Equal(2, broken.BrokenAt);
    }

    [Fact]
    public void A_removed_entry_breaks_the_chain_at_the_entry_after_it()
    {
        var rows = Chain();
        rows.RemoveAt(1);
        var verification = AuditChain.Verify(Customer, rows);
        Assert.False(verification.Verified);
        Assert.Equal(9, verification.BrokenAt);
        Assert.NotNull(verification.Reason);
    }

    [Fact]
    public void Another_customers_chain_does_not_verify_as_this_one()
    {
        Assert.Equal(2, AuditChain.Verify("cus_0123456789abcdefghjm", Chain()).BrokenAt);
    }
}
