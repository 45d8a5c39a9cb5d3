using System.Text;
using Actors.Grains.Identity;
using Actors.Grains.Privacy;
using Actors.Grains.Webhooks;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Actors.Tests.Privacy;

public sealed class SealingTests
{
    private static readonly byte[] Key = Convert.FromBase64String(PrivacyTestSettings.MasterKey);

    private static DataKey DataKeyOf(string customerId) => new(customerId, Key);

    [Fact]
    public void A_sealed_value_opens_to_what_was_sealed_and_does_not_hold_it_in_the_clear()
    {
        var sealedBytes = DataKeyOf("cus_a").Seal(SealedPurposes.Event, 7, "Ada Lovelace"u8);

        Assert.Equal(Sealing.Version, sealedBytes[0]);
        Assert.Equal(1 + 12 + 16 + "Ada Lovelace".Length, sealedBytes.Length);
        Assert.DoesNotContain("Ada", Encoding.Latin1.GetString(sealedBytes), StringComparison.Ordinal);
        Assert.Equal("Ada Lovelace", Encoding.UTF8.GetString(DataKeyOf("cus_a").Open(SealedPurposes.Event, 7, sealedBytes)));
    }

    [Fact]
    public void Sealing_twice_gives_two_different_values()
    {
        var key = DataKeyOf("cus_a");

        Assert.NotEqual(key.Seal(SealedPurposes.Event, 1, "same"u8), key.Seal(SealedPurposes.Event, 1, "same"u8));
    }

    [Fact]
    public void Changing_any_one_byte_of_a_sealed_value_makes_it_fail_to_open_as_corrupt_data()
    {
        var key = DataKeyOf("cus_a");
        var sealedBytes = key.Seal(SealedPurposes.Snapshot, 3, "a snapshot of Ada"u8);

        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var tampered = (byte[])sealedBytes.Clone();
            tampered[i] ^= 0x01;
            var failure = Assert.Throws<InvalidDataException>(() => key.Open(SealedPurposes.Snapshot, 3, tampered));
            Assert.Contains("cus_a", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_sealed_value_opens_only_for_its_customer_purpose_and_sequence()
    {
        var sealedBytes = DataKeyOf("cus_a").Seal(SealedPurposes.Event, 3, "Ada"u8);

        Assert.Throws<InvalidDataException>(() => DataKeyOf("cus_b").Open(SealedPurposes.Event, 3, sealedBytes));
        Assert.Throws<InvalidDataException>(() => DataKeyOf("cus_a").Open(SealedPurposes.Description, 3, sealedBytes));
        Assert.Throws<InvalidDataException>(() => DataKeyOf("cus_a").Open(SealedPurposes.Event, 4, sealedBytes));
        Assert.Throws<InvalidDataException>(() => DataKeyOf("cus_a").Open(SealedPurposes.Event, 3, sealedBytes[..20]));
    }

    [Fact]
    public void A_data_key_unwraps_only_with_its_master_key_and_for_its_customer()
    {
        var ring = Ring(new() { ["k1"] = PrivacyTestSettings.MasterKey }, "k1");
        var dataKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var wrapped = ring.Wrap("cus_a", dataKey);

        Assert.Equal(dataKey, ring.Unwrap("cus_a", "k1", wrapped));
        Assert.Throws<InvalidDataException>(() => ring.Unwrap("cus_b", "k1", wrapped));
        var removed = Assert.Throws<InvalidDataException>(() => ring.Unwrap("cus_a", "k0", wrapped));
        Assert.Contains("'k0'", removed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_webhook_secret_opens_only_for_its_endpoint_and_never_as_a_data_key_and_after_a_rotation_with_the_key_that_sealed_it()
    {
        var before = new WebhookSecrets(Ring(new() { ["k1"] = PrivacyTestSettings.MasterKey }, "k1"));
        var secret = before.Seal("we_a", "whsec_0123456789abcdef");
        var rotated = Ring(new() { ["k1"] = PrivacyTestSettings.MasterKey, ["k2"] = PrivacyTestSettings.IdentifierKey }, "k2");

        Assert.Equal("k1", secret.MasterKeyId);
        Assert.DoesNotContain("0123456789abcdef", Encoding.Latin1.GetString(secret.Sealed), StringComparison.Ordinal);
        Assert.Equal("whsec_0123456789abcdef", new WebhookSecrets(rotated).Open("we_a", secret));
        var moved = Assert.Throws<InvalidDataException>(() => before.Open("we_b", secret));
        Assert.Contains("we_b", moved.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => rotated.Unwrap("we_a", "k1", secret.Sealed));
        Assert.Throws<InvalidDataException>(() => before.Open("we_a", secret with { MasterKeyId = "k2" }));
    }

    [Fact]
    public void Settings_without_usable_keys_are_refused_naming_what_to_set()
    {
        Assert.Equal(3, new PrivacySettings().Problems().Count);
        var problems = new PrivacySettings
        {
            MasterKeys = { ["k1"] = Convert.ToBase64String(new byte[16]) },
            ActiveMasterKey = "k2",
            IdentifierKey = PrivacyTestSettings.IdentifierKey,
        }.Problems();

        Assert.Equal(["Privacy:MasterKeys:k1 is not a base64 32-byte key.", "Privacy:ActiveMasterKey must name one of Privacy:MasterKeys."], problems);
        Assert.Throws<InvalidOperationException>(() => Ring(new() { ["k1"] = "not base64" }, "k1"));
        Assert.Empty(Settings(new() { ["k1"] = PrivacyTestSettings.MasterKey }, "k1").Problems());
    }

    [Fact]
    public void Identity_grain_keys_name_the_kind_and_a_keyed_hash_never_the_identifier()
    {
        var keys = PrivacyTestSettings.IdentityKeys;
        var other = new IdentityKeys(Options.Create(new PrivacySettings { IdentifierKey = PrivacyTestSettings.MasterKey }));
        var email = new Identifier("email", "ada@example.com");

        var key = keys.GrainKey(email);

        Assert.StartsWith("email:", key, StringComparison.Ordinal);
        Assert.Equal("email:".Length + 20, key.Length);
        Assert.DoesNotContain("ada", key, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(key, keys.GrainKey("email:ada@example.com"));
        Assert.NotEqual(key, keys.GrainKey(new Identifier("email", "bob@example.com")));
        Assert.NotEqual(key, other.GrainKey(email));
    }

    private static PrivacySettings Settings(Dictionary<string, string> masterKeys, string active) =>
        new() { MasterKeys = masterKeys, ActiveMasterKey = active, IdentifierKey = PrivacyTestSettings.IdentifierKey };

    private static MasterKeyRing Ring(Dictionary<string, string> masterKeys, string active) => new(Options.Create(Settings(masterKeys, active)));
}
