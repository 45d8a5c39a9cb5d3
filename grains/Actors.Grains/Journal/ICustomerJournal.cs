using Actors.Grains.Consent;
using Actors.Grains.Customers;

namespace Actors.Grains.Journal;

/// <summary>A customer's state as its journal gives it: the latest snapshot with every event after it applied.</summary>
/// <param name="Sequence">The sequence number of the last event the state includes (0 for a customer never written).</param>
/// <param name="EventsSinceSnapshot">How many events were applied on top of the snapshot.</param>
public sealed record JournalLoad(CustomerState State, long Sequence, int EventsSinceSnapshot);

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
    /// </summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">
    /// Another activation of the customer appended first: this one must step aside, and the caller may retry.
    /// </exception>
    Task Append(string customerId, long after, IReadOnlyList<JournalEvent> events, CustomerState? snapshot, CancellationToken cancellationToken);

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
}
