using System.Collections.Immutable;

namespace Actors.Grains.Limits;

/// <summary>Money held for a payment in flight, in the caps' currency, on the customer's local day it was reserved.</summary>
[GenerateSerializer, Immutable, Alias("reservation-v1")]
public sealed record Reservation(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset ReservedAt);

/// <summary>
/// What a customer has spent, per local calendar day, and what is reserved for payments in flight. Days are
/// local to the customer, so a window is simply a range of days and DST never splits one. Refunds never come
/// off it: a refund does not give headroom back.
/// </summary>
[GenerateSerializer, Immutable, Alias("spend-book-v1")]
public sealed record SpendBook
{
    [Id(0)] public ImmutableSortedDictionary<DateOnly, long> SettledByDay { get; init; } = ImmutableSortedDictionary<DateOnly, long>.Empty;
    [Id(1)] public ImmutableDictionary<string, Reservation> Reservations { get; init; } = ImmutableDictionary<string, Reservation>.Empty;

    public static SpendBook Empty { get; } = new();

    public SpendBook Reserve(string paymentId, long amount, DateTimeOffset now, TimeZoneInfo zone) =>
        this with { Reservations = Reservations.SetItem(paymentId, new Reservation(paymentId, SpendWindows.LocalDay(now, zone), amount, now)) };

    /// <summary>The reservation becomes spend on the day it was made.</summary>
    public SpendBook Settle(string paymentId)
    {
        if (!Reservations.TryGetValue(paymentId, out var reservation))
        {
            return this;
        }
        var spent = checked(SettledByDay.GetValueOrDefault(reservation.Day) + reservation.Amount);
        return this with { SettledByDay = SettledByDay.SetItem(reservation.Day, spent), Reservations = Reservations.Remove(paymentId) };
    }

    public SpendBook Release(string paymentId) =>
        Reservations.ContainsKey(paymentId) ? this with { Reservations = Reservations.Remove(paymentId) } : this;

    /// <summary>Spend and reservations whose day falls in [<paramref name="from"/>, <paramref name="through"/>].</summary>
    public long SpentBetween(DateOnly from, DateOnly through)
    {
        var total = 0L;
        foreach (var (day, amount) in SettledByDay)
        {
            if (day >= from && day <= through)
            {
                total = checked(total + amount);
            }
        }
        foreach (var reservation in Reservations.Values)
        {
            if (reservation.Day >= from && reservation.Day <= through)
            {
                total = checked(total + reservation.Amount);
            }
        }
        return total;
    }

    /// <summary>Forgets settled days no window can include any more (the longest window is a month).</summary>
    public SpendBook Prune(DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = SpendWindows.LocalDay(now, zone);
        var earliest = Enum.GetValues<CapWindow>().Min(window => SpendWindows.FirstDay(window, today));
        var stale = SettledByDay.Keys.TakeWhile(day => day < earliest).ToList();
        return stale.Count == 0 ? this : this with { SettledByDay = SettledByDay.RemoveRange(stale) };
    }
}
