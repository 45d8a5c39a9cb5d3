using System.Collections.Immutable;
using Actors.Grains.Limits;
using Actors.Grains.Money;

namespace Actors.Tests.Limits;

public sealed class SpendBookTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    // Tuesday 5 May 2026, 22:00 in New York (already Wednesday in UTC).
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 2, 0, 0, TimeSpan.Zero);

    private static DateOnly Day(int month, int day) => new(2026, month, day);

    [Fact]
    public void A_reservation_is_on_the_customers_local_day()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 250, Now, NewYork);

        Assert.Equal(new Reservation("pay_1", Day(5, 5), 250, Now), book.Reservations["pay_1"]);
        Assert.Empty(book.SettledByDay);
    }

    [Fact]
    public void Reserving_the_same_payment_again_counts_it_once()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 250, Now, NewYork);

        Assert.Same(book, book.Reserve("pay_1", 250, Now.AddMinutes(1), NewYork));
        Assert.Throws<InvalidOperationException>(() => book.Reserve("pay_1", 251, Now, NewYork));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-10L)]
    [InlineData(Amounts.Max + 1)]
    public void Reserving_an_impossible_amount_is_a_bug(long amount) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpendBook.Empty.Reserve("pay_1", amount, Now, NewYork));

    [Fact]
    public void Settling_keeps_the_spend_on_the_day_it_was_reserved()
    {
        var book = SpendBook.Empty
            .Reserve("pay_1", 250, Now, NewYork)
            .Reserve("pay_2", 100, Now, NewYork)
            .Settle("pay_1")
            .Settle("pay_2");

        Assert.Equal([KeyValuePair.Create(Day(5, 5), 350L)], book.SettledByDay);
        Assert.Empty(book.Reservations);
    }

    [Fact]
    public void Releasing_frees_the_reservation()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 250, Now, NewYork).Release("pay_1");

        Assert.Equal(SpendBook.Empty, book);
    }

    [Fact]
    public void Releasing_a_settled_payment_gives_nothing_back()
    {
        var settled = SpendBook.Empty.Reserve("pay_1", 250, Now, NewYork).Settle("pay_1");

        Assert.Same(settled, settled.Release("pay_1"));
        Assert.Same(settled, settled.Settle("pay_1"));
    }

    [Fact]
    public void Unknown_payments_change_nothing()
    {
        var book = SpendBook.Empty.Reserve("pay_1", 250, Now, NewYork);

        Assert.Same(book, book.Settle("pay_unknown"));
        Assert.Same(book, book.Release("pay_unknown"));
    }

    [Fact]
    public void A_day_whose_spend_would_overflow_throws_instead_of_wrapping()
    {
        var book = (SpendBook.Empty with { SettledByDay = ImmutableSortedDictionary<DateOnly, long>.Empty.Add(Day(5, 5), long.MaxValue - 1) })
            .Reserve("pay_1", 2, Now, NewYork);

        Assert.Throws<OverflowException>(() => book.Settle("pay_1"));
    }

    [Fact]
    public void Pruning_keeps_every_day_this_week_and_this_month()
    {
        // Wednesday 1 April 2026: the week began on Monday 30 March, before the month did.
        var wednesday = new DateTimeOffset(2026, 4, 1, 16, 0, 0, TimeSpan.Zero);
        var book = SettledOn(Day(3, 1), Day(3, 29), Day(3, 30), Day(3, 31), Day(4, 1));

        var pruned = book.Prune(wednesday, NewYork);

        Assert.Equal([Day(3, 30), Day(3, 31), Day(4, 1)], pruned.SettledByDay.Keys);
    }

    [Fact]
    public void Pruning_keeps_the_month_when_it_began_before_the_week()
    {
        var wednesday = new DateTimeOffset(2026, 5, 20, 16, 0, 0, TimeSpan.Zero);
        var book = SettledOn(Day(4, 30), Day(5, 1), Day(5, 18));

        Assert.Equal([Day(5, 1), Day(5, 18)], book.Prune(wednesday, NewYork).SettledByDay.Keys);
    }

    [Fact]
    public void Pruning_keeps_open_reservations_whatever_their_day()
    {
        var old = SpendBook.Empty.Reserve("pay_old", 99, Now.AddDays(-60), NewYork);

        var pruned = old.Prune(Now, NewYork);

        Assert.Same(old, pruned);
        Assert.Equal(Day(3, 6), pruned.Settle("pay_old").SettledByDay.Keys.Single());
    }

    private static SpendBook SettledOn(params DateOnly[] days) =>
        SpendBook.Empty with { SettledByDay = days.ToImmutableSortedDictionary(day => day, _ => 10L) };
}
