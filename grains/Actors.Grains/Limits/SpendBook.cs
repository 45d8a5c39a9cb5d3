using System.Collections.Immutable;
using Actors.Grains.Money;

namespace Actors.Grains.Limits;

/// <summary>
/// Money held for a payment in flight, in the caps' currency, on the customer's local calendar day it was reserved.
/// It counts against the caps until the payment settles (then it is spend) or is released.
/// </summary>
[GenerateSerializer, Immutable, Alias("reservation-v1")]
public sealed record Reservation(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset ReservedAt);

/// <summary>
/// What counts against the caps: settled spend per local calendar day and the open reservations. Kept bounded by
/// <see cref="Prune"/> to the days a window can still see. Refunds never come back out: there is deliberately no unsettle.
/// </summary>
[GenerateSerializer, Immutable, Alias("spend-book-v1")]
public sealed record SpendBook
{
    [Id(0)] public ImmutableSortedDictionary<DateOnly, long> SettledByDay { get; init; } = ImmutableSortedDictionary<DateOnly, long>.Empty;

    /// <summary>Open reservations by payment id.</summary>
    [Id(1)] public ImmutableDictionary<string, Reservation> Reservations { get; init; } = ImmutableDictionary<string, Reservation>.Empty;

    public static SpendBook Empty { get; } = new();

    /// <summary>
    /// Holds <paramref name="amount"/> for <paramref name="paymentId"/> on the local day of <paramref name="now"/>.
    /// Reserving the same payment again for the same amount changes nothing, so a retried confirmation never counts twice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is not between 1 and <see cref="Amounts.Max"/>.</exception>
    /// <exception cref="InvalidOperationException">The payment already holds a different amount.</exception>
    public SpendBook Reserve(string paymentId, long amount, DateTimeOffset now, TimeZoneInfo zone) =>
        Reserve(paymentId, amount, SpendWindows.LocalDay(now, zone), now);

    /// <summary>Holds <paramref name="amount"/> for <paramref name="paymentId"/> on the local calendar day <paramref name="day"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is not between 1 and <see cref="Amounts.Max"/>.</exception>
    /// <exception cref="InvalidOperationException">The payment already holds a different amount.</exception>
    public SpendBook Reserve(string paymentId, long amount, DateOnly day, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amount, Amounts.Max);
        if (Reservations.TryGetValue(paymentId, out var existing))
        {
            return existing.Amount == amount
                ? this
                : throw new InvalidOperationException($"Payment {paymentId} already holds {existing.Amount}, not {amount}.");
        }
        var reservation = new Reservation(paymentId, day, amount, now);
        return this with { Reservations = Reservations.Add(paymentId, reservation) };
    }

    /// <summary>Turns the payment's reservation into spend on the day it was reserved. An unknown payment changes nothing.</summary>
    /// <exception cref="OverflowException">The day's spend would not fit in a <see cref="long"/>.</exception>
    public SpendBook Settle(string paymentId)
    {
        if (!Reservations.TryGetValue(paymentId, out var reservation))
        {
            return this;
        }
        var settled = checked(SettledByDay.GetValueOrDefault(reservation.Day) + reservation.Amount);
        return this with
        {
            SettledByDay = SettledByDay.SetItem(reservation.Day, settled),
            Reservations = Reservations.Remove(paymentId),
        };
    }

    /// <summary>Drops the payment's reservation, freeing its headroom. An unknown payment changes nothing.</summary>
    public SpendBook Release(string paymentId) =>
        Reservations.ContainsKey(paymentId) ? this with { Reservations = Reservations.Remove(paymentId) } : this;

    /// <summary>
    /// Forgets settled days before the earliest day any window can still include at <paramref name="now"/> or later
    /// (the start of this week or this month, whichever is earlier), so the book stays within about a month.
    /// Open reservations are kept whatever their day: they are still to be settled or released.
    /// </summary>
    public SpendBook Prune(DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = SpendWindows.LocalDay(now, zone);
        var earliest = SpendWindows.All.Min(window => SpendWindows.FirstDay(window, today));
        var forgotten = SettledByDay.Keys.TakeWhile(day => day < earliest).ToList();
        return forgotten.Count == 0 ? this : this with { SettledByDay = SettledByDay.RemoveRange(forgotten) };
    }

    /// <summary>Settled spend and reservations on <paramref name="firstDay"/> or later.</summary>
    /// <exception cref="OverflowException">The sum would not fit in a <see cref="long"/>.</exception>
    internal long SpentSince(DateOnly firstDay)
    {
        var spent = 0L;
        foreach (var (day, amount) in SettledByDay)
        {
            if (day >= firstDay)
            {
                spent = checked(spent + amount);
            }
        }
        foreach (var reservation in Reservations.Values)
        {
            if (reservation.Day >= firstDay)
            {
                spent = checked(spent + reservation.Amount);
            }
        }
        return spent;
    }

    // Value equality for the collections too (immutable collections compare by reference), so equal books are equal
    // after a storage round trip.
    public bool Equals(SpendBook? other) =>
        other is not null
        && SettledByDay.SequenceEqual(other.SettledByDay)
        && Reservations.Count == other.Reservations.Count
        && Reservations.All(entry => other.Reservations.TryGetValue(entry.Key, out var theirs) && entry.Value == theirs);

    public override int GetHashCode() => HashCode.Combine(SettledByDay.Count, Reservations.Count);
}
