using System.Diagnostics.Metrics;
using Actors.Grains.Carts;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Actors.Tests.Journal;

/// <summary>One migrated database for the class; each test writes customers of its own.</summary>
public sealed class JournalDatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync() => ConnectionString = await TestPostgres.Instance.CreateDatabase();

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The customer journal on real PostgreSQL, through the silo's own group-commit appender.</summary>
public sealed class PostgresJournalTests(JournalDatabaseFixture database) : IClassFixture<JournalDatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 29, 1, 30, 0, TimeSpan.FromHours(1));

    private StandaloneJournal silo = null!;

    private StoredData Stored => new(database.ConnectionString);

    public Task InitializeAsync()
    {
        silo = StandaloneJournal.Open(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await silo.DisposeAsync();

    private static CustomerCreated Created(string customerId) => new(new Profile(customerId, "Ada Lovelace", null, null, "en", "EUR",
        "Europe/Berlin", 1, At, At))
    { At = At };

    private static CartLineSet Line(string sku, long price) => new(new CartLine(sku, sku, price, "EUR", 1)) { At = At };

    [Fact]
    public async Task Appended_events_load_back_as_the_state_they_make()
    {
        var id = CustomerId.New();

        await silo.Journal.Append(id, 0, [Created(id), Line("mug", 900)], null, CancellationToken.None);
        await silo.Journal.Append(id, 2, [Line("tea", 450)], null, CancellationToken.None);
        var loaded = await silo.Journal.Load(id, CancellationToken.None);

        Assert.Equal(3, loaded.Sequence);
        Assert.Equal(3, loaded.EventsSinceSnapshot);
        Assert.Equal("Ada Lovelace", loaded.State.Profile!.DisplayName);
        Assert.Equal(["mug", "tea"], loaded.State.Commerce.Cart.Lines.Select(line => line.Sku));
        Assert.Equal(2, loaded.State.Commerce.Cart.Version);
        Assert.Equal(3, await Stored.EventsOf(id));
    }

    [Fact]
    public async Task A_customer_never_written_loads_as_new()
    {
        var loaded = await silo.Journal.Load(CustomerId.New(), CancellationToken.None);

        Assert.Same(CustomerState.New, loaded.State);
        Assert.Equal(0, loaded.Sequence);
    }

    [Fact]
    public async Task Activation_reads_the_snapshot_and_only_the_events_after_it()
    {
        var id = CustomerId.New();
        var first = new JournalEvent[] { Created(id), Line("mug", 900), Line("tea", 450) };
        await silo.Journal.Append(id, 0, first, CustomerEvolution.ApplyAll(CustomerState.New, first), CancellationToken.None);
        await silo.Journal.Append(id, 3, [Line("cup", 300), Line("pot", 2_000)], null, CancellationToken.None);

        var loaded = await silo.Journal.Load(id, CancellationToken.None);

        Assert.Equal(5, loaded.Sequence);
        Assert.Equal(2, loaded.EventsSinceSnapshot);
        Assert.Equal(["mug", "tea", "cup", "pot"], loaded.State.Commerce.Cart.Lines.Select(line => line.Sku));
        Assert.Equal(3, await Stored.Scalar("SELECT sequence FROM customer_snapshots WHERE customer_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Two_writers_after_the_same_head_one_wins_whole_and_the_other_writes_nothing()
    {
        var id = CustomerId.New();
        await silo.Journal.Append(id, 0, [Created(id)], null, CancellationToken.None);
        await using var otherSilo = StandaloneJournal.Open(database.ConnectionString);

        var attempts = await Task.WhenAll(
            Attempt(silo.Journal.Append(id, 1, [Line("mug", 900), Line("tea", 450), Line("cup", 300)], null, CancellationToken.None)),
            Attempt(otherSilo.Journal.Append(id, 1, [Line("pot", 2_000)], null, CancellationToken.None)));

        Assert.Single(attempts, exception => exception is null);
        Assert.IsType<InconsistentStateException>(Assert.Single(attempts, exception => exception is not null));
        var cart = (await silo.Journal.Load(id, CancellationToken.None)).State.Commerce.Cart;
        Assert.True(cart.Lines.Select(line => line.Sku).SequenceEqual(["mug", "tea", "cup"]) || cart.Lines.Select(line => line.Sku).SequenceEqual(["pot"]),
            $"the journal mixes both writers: {string.Join(", ", cart.Lines.Select(line => line.Sku))}");
        Assert.Equal(cart.Lines.Count + 1, await Stored.EventsOf(id));
    }

    [Fact]
    public async Task A_writer_behind_the_head_is_refused_and_later_events_stay_as_they_were()
    {
        var id = CustomerId.New();
        await silo.Journal.Append(id, 0, [Created(id), Line("mug", 900), Line("tea", 450)], null, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            silo.Journal.Append(id, 1, [Line("stale", 1), Line("stale-2", 2), Line("stale-3", 3)], null, CancellationToken.None));

        Assert.Equal(["mug", "tea"], (await silo.Journal.Load(id, CancellationToken.None)).State.Commerce.Cart.Lines.Select(line => line.Sku));
        Assert.Equal(3, await Stored.EventsOf(id));
    }

    [Fact]
    public async Task Appends_of_many_customers_share_commits_and_one_conflict_fails_only_its_own()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => CustomerId.New()).ToList();
        var batches = new List<int>();
        using var listener = BatchSizes(batches, silo.Services.GetRequiredService<IMeterFactory>());
        var conflicted = ids[17];
        await silo.Journal.Append(conflicted, 0, [Created(conflicted)], null, CancellationToken.None);
        batches.Clear();

        var attempts = await Task.WhenAll(ids.Select(id => Attempt(silo.Journal.Append(id, 0, [Created(id), Line("mug", 900)], null, CancellationToken.None))));

        Assert.IsType<InconsistentStateException>(attempts[17]);
        Assert.All(attempts.Where((_, index) => index != 17), Assert.Null);
        Assert.Equal(1, await Stored.EventsOf(conflicted));
        Assert.Equal(199 * 2, await Stored.Scalar("SELECT count(*) FROM customer_events WHERE customer_id = ANY(@ids) AND customer_id <> @conflicted",
            ("ids", ids.ToArray()), ("conflicted", conflicted)));
        Assert.Equal(200, batches.Sum());
        Assert.True(batches.Count < 100, $"200 concurrent appends took {batches.Count} commits");
    }

    [Fact]
    public async Task Money_events_carry_their_ledger_columns_and_the_time_as_an_instant()
    {
        var id = CustomerId.New();
        var payment = new Payment("pay_" + Guid.NewGuid().ToString("N")[..20], "chk_1", 2_500, "USD", 2_273, "EUR", "pm_1", "tok_visa",
            "visa", "4242", "mobile", "2 × Mug", PaymentStatus.Processing, null, 0, At, At);

        await silo.Journal.Append(id, 0, [Created(id), new PaymentReserved(payment, new DateOnly(2026, 3, 29)) { At = At },
            new PaymentSucceeded(payment.Id) { At = At.AddSeconds(1) }], null, CancellationToken.None);

        Assert.Equal([("authorized", 2_500L, 2_273L), ("succeeded", 2_500L, 2_273L)], await Stored.LedgerOf(payment.Id));
        Assert.Equal(1, await Stored.Scalar("""
            SELECT count(*) FROM customer_events WHERE payment_id = @id AND ledger_kind = 'authorized' AND currency = 'USD'
              AND converted_currency = 'EUR' AND method_brand = 'visa' AND method_last4 = '4242' AND channel = 'mobile'
              AND description IS NOT NULL AND event_type = 'payment-reserved-v1'
            """, ("id", payment.Id)));
        // The description is free text: stored sealed, never as written.
        Assert.Equal(0, await Stored.Scalar(
            "SELECT count(*) FROM customer_events WHERE payment_id = @id AND position(convert_to('Mug', 'UTF8') IN description) > 0", ("id", payment.Id)));
        // 01:30 at +01:00 is 00:30 UTC: the instant is stored, not the offset.
        Assert.Equal(At.ToUnixTimeSeconds(), await Stored.Scalar(
            "SELECT extract(epoch FROM recorded_at)::bigint FROM customer_events WHERE payment_id = @id AND ledger_kind = 'authorized'", ("id", payment.Id)));
    }

    [Fact]
    public async Task A_payment_s_events_read_back_up_to_a_sequence_in_order()
    {
        var id = CustomerId.New();
        var payment = new Payment("pay_" + Guid.NewGuid().ToString("N")[..20], "chk_1", 2_500, "EUR", 2_500, "EUR", "pm_1", "tok_visa",
            "visa", "4242", "web", "Mug", PaymentStatus.Processing, null, 0, At, At);
        await silo.Journal.Append(id, 0, [Created(id), new PaymentReserved(payment, new DateOnly(2026, 3, 29)) { At = At }, Line("tea", 450),
            new PaymentSucceeded(payment.Id) { At = At.AddSeconds(1) }], null, CancellationToken.None);

        var upToReservation = await silo.Journal.ReadPayment(id, payment.Id, 3, CancellationToken.None);
        var all = await silo.Journal.ReadPayment(id, payment.Id, 4, CancellationToken.None);

        Assert.IsType<PaymentReserved>(Assert.Single(upToReservation));
        Assert.Equal([typeof(PaymentReserved), typeof(PaymentSucceeded)], all.Select(change => change.GetType()));
        Assert.IsType<CartLineSet>(await silo.Journal.Read(id, 3, CancellationToken.None));
        Assert.Null(await silo.Journal.Read(id, 5, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_on_its_own_never_replaces_a_newer_one()
    {
        var id = CustomerId.New();
        var events = new JournalEvent[] { Created(id), Line("mug", 900), Line("tea", 450) };
        await silo.Journal.Append(id, 0, events, CustomerEvolution.ApplyAll(CustomerState.New, events), CancellationToken.None);

        await silo.Journal.Append(id, 1, [], CustomerEvolution.ApplyAll(CustomerState.New, events[..1]), CancellationToken.None);

        Assert.Equal(3, await Stored.Scalar("SELECT sequence FROM customer_snapshots WHERE customer_id = @id", ("id", id)));
        Assert.Equal(2, (await silo.Journal.Load(id, CancellationToken.None)).State.Commerce.Cart.Version);
    }

    private static async Task<Exception?> Attempt(Task append)
    {
        try
        {
            await append;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    /// <summary>The batch sizes this class's appender records (not those of silos other tests run meanwhile).</summary>
    private static MeterListener BatchSizes(List<int> sizes, IMeterFactory meters)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscribe) =>
            {
                if (instrument.Name == "actors.journal.batch.size" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    subscribe.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            lock (sizes)
            {
                sizes.Add(size);
            }
        });
        listener.Start();
        return listener;
    }
}
