using Actors.Api.Audit;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Actors.Tests.Journal;

/// <summary>The audit chain as the journal writes it on real PostgreSQL: carried heads, loads, and two writers racing.</summary>
public sealed class AuditJournalTests(JournalDatabaseFixture database) : IClassFixture<JournalDatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 30, 0, TimeSpan.FromHours(1));

    private StandaloneJournal silo = null!;

    private StoredData Stored => new(database.ConnectionString);

    private AuditTrail Trail => new(silo.Database.DataSource, silo.Keys, silo.Services.GetRequiredService<Serializer>());

    public Task InitializeAsync()
    {
        silo = StandaloneJournal.Open(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await silo.DisposeAsync();

    private static CustomerCreated Created(string customerId) =>
        new(new Profile(customerId, "Ada Lovelace", null, null, "en", "EUR", "Europe/Berlin", 1, At, At)) { At = At };

    private static ConsentRecorded Consent(bool granted) => new(ConsentPurpose.Marketing, granted, "2026-11", "web", "phone-1") { At = At };

    private static CapsSet Caps(long daily) => new(SpendingLimits.None with { Daily = daily }, "EUR") { At = At };

    private static CartLineSet Line(string sku) => new(new CartLine(sku, sku, 100, "EUR", 1)) { At = At };

    private async Task<List<AuditRow>> Rows(string customerId)
    {
        var rows = new List<AuditRow>();
        await foreach (var row in Trail.Rows(customerId, CancellationToken.None))
        {
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task Audit_events_chain_across_appends_and_other_events_stay_out_of_the_chain()
    {
        var id = CustomerId.New();
        var head = await silo.Journal.Append(id, 0, [Created(id), Consent(true), Line("mug")], null, CancellationToken.None, AuditHead.Genesis);
        head = await silo.Journal.Append(id, 3, [Caps(5_000), Line("tea"), Consent(false)], null, CancellationToken.None, head);

        var rows = await Rows(id);

        Assert.Equal([2L, 4, 6], rows.Select(row => row.Sequence));
        Assert.Equal(AuditChain.Genesis.ToArray(), rows[0].Previous);
        Assert.Equal(rows[0].Hash, rows[1].Previous);
        Assert.Equal(rows[1].Hash, rows[2].Previous);
        Assert.Equal(rows[2].Hash, head.Hash.ToArray());
        Assert.Equal(AuditVerification.Intact(3), AuditChain.Verify(id, rows));
        Assert.Equal(3, await Stored.Scalar("SELECT count(*) FROM customer_events WHERE customer_id = @id AND audit_hash IS NULL", ("id", id)));
    }

    [Fact]
    public async Task A_load_gives_the_head_of_the_last_audit_entry_even_when_a_snapshot_covers_it()
    {
        var id = CustomerId.New();
        var events = new JournalEvent[] { Created(id), Consent(true), Line("mug") };
        var written = await silo.Journal.Append(id, 0, events, CustomerEvolution.ApplyAll(CustomerState.New, events), CancellationToken.None, AuditHead.Genesis);

        await using var fresh = StandaloneJournal.Open(database.ConnectionString);
        var loaded = await fresh.Journal.Load(id, CancellationToken.None);
        Assert.Equal(written.Hash.ToArray(), loaded.AuditHead.Hash.ToArray());

        // The next entry, written by another process from what it loaded, links to the last one.
        await fresh.Journal.Append(id, loaded.Sequence, [Caps(2_000)], null, CancellationToken.None, loaded.AuditHead);
        Assert.Equal(AuditVerification.Intact(2), AuditChain.Verify(id, await Rows(id)));
        Assert.Equal(AuditChain.Genesis.ToArray(), (await silo.Journal.Load(CustomerId.New(), CancellationToken.None)).AuditHead.Hash.ToArray());
    }

    [Fact]
    public async Task Of_two_writers_racing_from_one_head_the_loser_chains_nothing_and_the_chain_verifies()
    {
        var id = CustomerId.New();
        var head = await silo.Journal.Append(id, 0, [Created(id), Consent(true)], null, CancellationToken.None, AuditHead.Genesis);
        await using var otherSilo = StandaloneJournal.Open(database.ConnectionString);

        var ours = silo.Journal.Append(id, 2, [Caps(1_000), Consent(false)], null, CancellationToken.None, head);
        var theirs = otherSilo.Journal.Append(id, 2, [Caps(9_000)], null, CancellationToken.None, head);
        var outcomes = await Task.WhenAll(Outcome(ours), Outcome(theirs));

        Assert.Single(outcomes, outcome => outcome is InconsistentStateException);
        var winner = Assert.Single(outcomes.OfType<AuditHead>());
        var rows = await Rows(id);
        Assert.Equal(AuditVerification.Intact(rows.Count), AuditChain.Verify(id, rows));
        Assert.Equal(rows[^1].Hash, winner.Hash.ToArray());
        Assert.Equal(winner.Hash.ToArray(), (await silo.Journal.Load(id, CancellationToken.None)).AuditHead.Hash.ToArray());
    }

    [Fact]
    public async Task A_writer_that_carries_no_head_reads_it_and_still_chains_correctly()
    {
        var id = CustomerId.New();
        await silo.Journal.Append(id, 0, [Created(id), Consent(true)], null, CancellationToken.None);
        await silo.Journal.Append(id, 2, [Line("mug"), Caps(3_000)], null, CancellationToken.None);

        Assert.Equal(AuditVerification.Intact(2), AuditChain.Verify(id, await Rows(id)));
    }

    private static async Task<object> Outcome(Task<AuditHead> append)
    {
        try
        {
            return await append;
        }
        catch (InconsistentStateException conflict)
        {
            return conflict;
        }
    }
}
