using Actors.Grains.Customers;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using Actors.Tests.Journal;

namespace Actors.Tests.Privacy;

/// <summary>The silo's journal on real PostgreSQL, sealed: what a changed row, or a rotated master key, does to a load.</summary>
public sealed class SealedJournalTests(JournalDatabaseFixture database) : IClassFixture<JournalDatabaseFixture>
{
    private static readonly DateTimeOffset At = new(2026, 3, 29, 9, 0, 0, TimeSpan.Zero);

    private const string NewKey = "IyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyM=";

    private StoredData Stored => new(database.ConnectionString);

    private static CustomerCreated Created(string customerId, string name) =>
        new(new Profile(customerId, name, null, null, "en", "EUR", "Europe/Berlin", 1, At, At)) { At = At };

    private static Dictionary<string, string?> Keys(string active, params (string Id, string Key)[] masterKeys)
    {
        var settings = new Dictionary<string, string?> { ["Privacy:ActiveMasterKey"] = active, ["Privacy:IdentifierKey"] = PrivacyTestSettings.IdentifierKey };
        foreach (var (id, key) in masterKeys)
        {
            settings[$"Privacy:MasterKeys:{id}"] = key;
        }
        return settings;
    }

    [Fact]
    public async Task A_changed_byte_in_a_stored_event_fails_the_load_as_corrupt_data_naming_the_row()
    {
        var id = CustomerId.New();
        await using (var journal = StandaloneJournal.Open(database.ConnectionString))
        {
            await journal.Journal.Append(id, 0, [Created(id, "Ada Lovelace")], null, CancellationToken.None);
        }
        Assert.Equal(1, await Stored.Scalar("""
            WITH changed AS (UPDATE customer_events SET payload = set_byte(payload, 20, get_byte(payload, 20) # 1)
                             WHERE customer_id = @id AND sequence = 1 RETURNING 1)
            SELECT count(*) FROM changed
            """, ("id", id)));

        // A fresh process: nothing cached, everything read from the rows.
        await using var other = StandaloneJournal.Open(database.ConnectionString);
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => other.Journal.Load(id, CancellationToken.None));

        Assert.Contains($"event of {id} at 1 is corrupt", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_rotating_the_master_key_and_removing_the_old_one_old_customers_still_load()
    {
        var id = CustomerId.New();
        var before = Keys("old", ("old", PrivacyTestSettings.MasterKey));
        await using (var journal = StandaloneJournal.Open(database.ConnectionString, privacy: before))
        {
            await journal.Journal.Append(id, 0, [Created(id, "Grace Hopper")], snapshot: null, CancellationToken.None);
            var state = (await journal.Journal.Load(id, CancellationToken.None)).State;
            await journal.Journal.Append(id, 1, [], state, CancellationToken.None);
        }

        await using (var rotating = StandaloneJournal.Open(database.ConnectionString, privacy: Keys("new", ("old", PrivacyTestSettings.MasterKey), ("new", NewKey))))
        {
            Assert.True(await rotating.Keys.Rewrap(CancellationToken.None) >= 1);
            Assert.Equal(0, await rotating.Keys.Rewrap(CancellationToken.None));
        }
        Assert.Equal("new", await Stored.Query<string>("SELECT master_key_id FROM customer_keys WHERE customer_id = @id", ("id", id)));

        await using var after = StandaloneJournal.Open(database.ConnectionString, privacy: Keys("new", ("new", NewKey)));
        var loaded = await after.Journal.Load(id, CancellationToken.None);

        Assert.Equal("Grace Hopper", loaded.State.Profile!.DisplayName);
        Assert.Equal((1L, 0), (loaded.Sequence, loaded.EventsSinceSnapshot));
    }

    [Fact]
    public async Task Without_its_master_key_a_customer_does_not_load_and_the_error_names_the_key()
    {
        var id = CustomerId.New();
        await using (var journal = StandaloneJournal.Open(database.ConnectionString, privacy: Keys("gone", ("gone", NewKey))))
        {
            await journal.Journal.Append(id, 0, [Created(id, "Ada Lovelace")], null, CancellationToken.None);
        }

        await using var other = StandaloneJournal.Open(database.ConnectionString);
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => other.Journal.Load(id, CancellationToken.None));

        Assert.Contains("'gone'", failure.Message, StringComparison.Ordinal);
    }
}
