using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Retention;

namespace Actors.Grains.Journal;

/// <summary>A customer's state as its journal gives it: the latest snapshot with every event after it applied.</summary>
/// <param name="Sequence">The sequence number of the last event the state includes (0 for a customer never written).</param>
/// <param name="EventsSinceSnapshot">How many events were applied on top of the snapshot.</param>
/// <param name="AuditHead">The hash of the last audit entry, which the next one links to.</param>
public sealed record JournalLoad(CustomerState State, long Sequence, int EventsSinceSnapshot, AuditHead AuditHead);

/// <summary>
/// The durable truth of every customer: an append-only table of small events, unique on (customer, sequence),
/// plus a snapshot per customer. Appends of many customers share one commit; an append completes only after COMMIT.
/// </summary>
public interface ICustomerJournal
{
    Task<JournalLoad> Load(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="events"/> as sequence numbers <paramref name="after"/> + 1, + 2, …, all or none, and
    /// with <paramref name="snapshot"/> (the state after them) when given. Events may be empty to store a snapshot alone.
    /// Audit entries among them are chained to <paramref name="auditHead"/> (the head as of <paramref name="after"/>, which
    /// the only writer of the customer knows from its load and its last append); without it the journal reads it.
    /// </summary>
    /// <returns>The audit head after the append, for the next one.</returns>
    /// <exception cref="Orleans.Storage.InconsistentStateException">
    /// Another activation of the customer appended first: this one must step aside, and the caller may retry.
    /// </exception>
    Task<AuditHead> Append(
        string customerId, long after, IReadOnlyList<JournalEvent> events, CustomerState? snapshot, CancellationToken cancellationToken, AuditHead? auditHead = null);

    /// <summary>
    /// Crypto-shreds <paramref name="customerIds"/> (a customer and those merged into it) in one transaction: their data
    /// keys are deleted and tombstones written, their snapshots deleted, and what the ledger columns still say of the
    /// person cleared. The journal rows stay, as sealed bytes nothing can open: their ledger columns are the accounting.
    /// Done again, it changes nothing. After it, <see cref="Load"/> gives an erased state without opening anything.
    /// </summary>
    Task Shred(IReadOnlyList<string> customerIds, CancellationToken cancellationToken);

    /// <summary>The event stored at <paramref name="sequence"/>, or null when there is none.</summary>
    Task<JournalEvent?> Read(string customerId, long sequence, CancellationToken cancellationToken);

    /// <summary>The events of one payment (its reservation, outcome, refunds) up to and including <paramref name="upTo"/>, in order.</summary>
    Task<IReadOnlyList<JournalEvent>> ReadPayment(string customerId, string paymentId, long upTo, CancellationToken cancellationToken);

    /// <summary>The customer's consent decisions up to and including <paramref name="upTo"/>, newest first.</summary>
    Task<IReadOnlyList<ConsentRecorded>> ReadConsents(string customerId, long upTo, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, from rows up to <paramref name="upTo"/> (which a snapshot covers), what aged out before
    /// <paramref name="cutoffs"/>: device sightings and idempotency records are deleted, money events holding personal
    /// data are rewritten without it (<see cref="IHoldsPersonalData"/>), their ledger description cleared.
    /// </summary>
    Task<AgedDataPurge> RemoveAgedData(string customerId, RetentionCutoffs cutoffs, long upTo, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> customers after <paramref name="after"/> (by id) whose journal holds data aged out before <paramref name="cutoffs"/>.</summary>
    Task<IReadOnlyList<string>> CustomersWithAgedData(RetentionCutoffs cutoffs, string after, int limit, CancellationToken cancellationToken);

    /// <summary>The customer's events of the types <paramref name="types"/> up to and including <paramref name="upTo"/>, newest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadEvents(string customerId, IReadOnlyCollection<Type> types, long upTo, CancellationToken cancellationToken);
}
