using System.Collections.Immutable;
using Actors.Grains.Limits;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Actors.Tests.Limits;

// Grain state and grain results travel through the Orleans serializer: a member it cannot carry must fail here, not in a silo.
public sealed class LimitsSerializationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.FromHours(1));

    private readonly ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private T RoundTrip<T>(T value)
    {
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    public void Dispose() => services.Dispose();

    [Fact]
    public void Spending_limits_with_pending_changes_and_an_exclusion_round_trip()
    {
        var limits = new SpendingLimits
        {
            Daily = 5_000,
            Weekly = null,
            Monthly = 100_000,
            Pending =
            [
                new PendingCap(CapWindow.Daily, 9_000, Now, Now.AddHours(24)),
                new PendingCap(CapWindow.Monthly, null, Now, Now.AddHours(24)),
            ],
            ExcludedUntil = Now.AddDays(30),
        };

        var copy = RoundTrip(limits);

        Assert.Equal(limits, copy);
        Assert.Equal(limits.Pending, copy.Pending);
        Assert.Equal(Now.Offset, copy.Pending[0].RequestedAt.Offset);
    }

    [Fact]
    public void A_spend_book_with_settled_days_and_reservations_round_trips()
    {
        var book = SpendBook.Empty with
        {
            SettledByDay = ImmutableSortedDictionary.CreateRange(
            [
                KeyValuePair.Create(new DateOnly(2026, 4, 30), 1_250L),
                KeyValuePair.Create(new DateOnly(2026, 5, 4), 99L),
            ]),
            Reservations = ImmutableDictionary.CreateRange(
            [
                KeyValuePair.Create("pay_1", new Reservation("pay_1", new DateOnly(2026, 5, 4), 700, Now)),
                KeyValuePair.Create("pay_2", new Reservation("pay_2", new DateOnly(2026, 5, 3), 1, Now.AddDays(-1))),
            ]),
        };

        var copy = RoundTrip(book);

        Assert.Equal(book, copy);
        Assert.Equal(book.SettledByDay, copy.SettledByDay);
        Assert.Equal(book.Reservations["pay_1"], copy.Reservations["pay_1"]);
    }

    [Fact]
    public void Empty_state_round_trips_to_empty_collections_not_nulls()
    {
        var limits = RoundTrip(SpendingLimits.None);
        var book = RoundTrip(SpendBook.Empty);

        Assert.Equal(SpendingLimits.None, limits);
        Assert.Empty(limits.Pending);
        Assert.Equal(SpendBook.Empty, book);
        Assert.Empty(book.SettledByDay);
        Assert.Empty(book.Reservations);
    }

    [Fact]
    public void Requests_and_outcomes_round_trip()
    {
        var limits = SpendingLimits.None with { Daily = 10 };
        var headroom = new Headroom(CapWindow.Weekly, 1_000, 400, 600, Now.AddDays(3));
        var exceeded = new CapDecision.Exceeded(CapWindow.Monthly, 1_000, 0, Now.AddDays(20));
        var invalid = new LimitsChange.Invalid(new Dictionary<string, string[]> { ["daily"] = ["must be greater than 0"] });

        Assert.Equal(new CapRequest(1, null, 3), RoundTrip(new CapRequest(1, null, 3)));
        Assert.Equal(headroom, RoundTrip(headroom));
        Assert.Equal(new CapDecision.Allowed(), RoundTrip<CapDecision>(new CapDecision.Allowed()));
        Assert.Equal(exceeded, RoundTrip<CapDecision>(exceeded));
        Assert.Equal(limits, Assert.IsType<LimitsChange.Applied>(RoundTrip<LimitsChange>(new LimitsChange.Applied(limits))).Limits);
        Assert.Equal(["must be greater than 0"], Assert.IsType<LimitsChange.Invalid>(RoundTrip<LimitsChange>(invalid)).Errors["daily"]);
        Assert.Equal(limits, Assert.IsType<ExclusionChange.Applied>(RoundTrip<ExclusionChange>(new ExclusionChange.Applied(limits))).Limits);
        Assert.Equal(new ExclusionChange.TooSoon(Now), RoundTrip<ExclusionChange>(new ExclusionChange.TooSoon(Now)));
        Assert.Equal(new ExclusionChange.WouldShorten(Now), RoundTrip<ExclusionChange>(new ExclusionChange.WouldShorten(Now)));
    }
}
