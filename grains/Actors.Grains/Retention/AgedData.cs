using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Journal;
using Actors.Grains.Payments;

namespace Actors.Grains.Retention;

/// <summary>
/// A money event that carries personal data beside the money (a description, a refund's reason, the country a checkout
/// came from). Past <see cref="RetentionSettings.MoneyEventPersonalData"/> its journal row is rewritten as
/// <see cref="WithoutPersonalData"/>: the same money, no person.
/// </summary>
public interface IHoldsPersonalData
{
    JournalEvent WithoutPersonalData();
}

/// <summary>What aged out was removed from the customer's state: the sessions, idempotency records and money texts older than the cutoffs.</summary>
[GenerateSerializer, Immutable, Alias("aged-data-removed-v1")]
public sealed record AgedDataRemoved([property: Id(0)] RetentionCutoffs Cutoffs) : JournalEvent;

/// <summary>The pure rules of retention: what of a customer's state has aged out, and the state without it.</summary>
public static class AgedData
{
    /// <summary>The event removing what aged out of <paramref name="state"/>; null when nothing has.</summary>
    public static AgedDataRemoved? Decide(CustomerState state, RetentionCutoffs cutoffs, DateTimeOffset now)
    {
        var commerce = state.Commerce;
        var aged = state.Sessions.Sessions.Any(session => session.LastSeen < cutoffs.Sessions)
            || commerce.Idempotency.Records.Values.Any(record => record.CreatedAt < cutoffs.IdempotencyRecords)
            || commerce.Payments.Any(payment => payment.CreatedAt < cutoffs.MoneyEventPersonalData && payment.Description.Length > 0)
            || commerce.Checkouts.Values.Any(checkout => checkout.CreatedAt < cutoffs.MoneyEventPersonalData && HoldsPersonalData(checkout))
            || commerce.Refunds.Values.Any(entry => entry.Refund.CreatedAt < cutoffs.MoneyEventPersonalData && entry.Refund.Reason is not null);
        return aged ? new AgedDataRemoved(cutoffs) { At = now } : null;
    }

    public static CustomerState Apply(CustomerState state, RetentionCutoffs cutoffs)
    {
        var commerce = state.Commerce;
        var before = cutoffs.MoneyEventPersonalData;
        return state with
        {
            Sessions = state.Sessions with
            {
                Sessions = state.Sessions.Sessions.RemoveAll(session => session.LastSeen < cutoffs.Sessions),
            },
            Commerce = commerce with
            {
                Idempotency = Expired(commerce.Idempotency, cutoffs.IdempotencyRecords),
                Payments = commerce.Payments.Select(payment => payment.CreatedAt < before ? Anonymous(payment) : payment).ToImmutableList(),
                Checkouts = commerce.Checkouts.ToImmutableDictionary(
                    pair => pair.Key, pair => pair.Value.CreatedAt < before ? Anonymous(pair.Value) : pair.Value),
                Refunds = commerce.Refunds.ToImmutableDictionary(
                    pair => pair.Key, pair => pair.Value.Refund.CreatedAt < before ? pair.Value with { Refund = Anonymous(pair.Value.Refund) } : pair.Value),
            },
        };
    }

    public static Payment Anonymous(Payment payment) => payment with { Description = "" };

    public static Checkout Anonymous(Checkout checkout) => checkout with { Description = "", Country = null };

    public static Refund Anonymous(Refund refund) => refund with { Reason = null };

    private static bool HoldsPersonalData(Checkout checkout) => checkout.Description.Length > 0 || checkout.Country is not null;

    private static IdempotencyBook Expired(IdempotencyBook book, DateTimeOffset before)
    {
        var expired = book.Order.TakeWhile(key => book.Records[key].CreatedAt < before).ToList();
        return expired.Count == 0 ? book : book with { Records = book.Records.RemoveRange(expired), Order = book.Order.RemoveRange(0, expired.Count) };
    }
}

/// <summary>What one customer's retention pass removed from the journal.</summary>
[GenerateSerializer, Immutable, Alias("aged-data-purge-v1")]
public sealed record AgedDataPurge(
    [property: Id(0)] int SightingsDeleted,
    [property: Id(1)] int IdempotencyRecordsDeleted,
    [property: Id(2)] int MoneyEventsAnonymized,
    [property: Id(3)] int AuditEntriesDeleted)
{
    public static AgedDataPurge None { get; } = new(0, 0, 0, 0);

    public AgedDataPurge Plus(AgedDataPurge other) => new(
        SightingsDeleted + other.SightingsDeleted,
        IdempotencyRecordsDeleted + other.IdempotencyRecordsDeleted,
        MoneyEventsAnonymized + other.MoneyEventsAnonymized,
        AuditEntriesDeleted + other.AuditEntriesDeleted);
}
