namespace Actors.Grains.Payments;

/// <summary>What happened to a payment. Each kind happens at most once per payment, except one refund per refund id.</summary>
public enum LedgerKind
{
    Authorized,
    Succeeded,
    Declined,
    Refunded,
    Released,
}

/// <summary>
/// One row of the append-only payment ledger. <see cref="EntryId"/> is the row's unique key, derived from the event,
/// so writing the same event twice leaves one row.
/// </summary>
[GenerateSerializer, Immutable, Alias("ledger-entry-v1")]
public sealed record LedgerEntry(
    [property: Id(0)] string EntryId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] LedgerKind Kind,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] long ConvertedAmount,
    [property: Id(7)] string ConvertedCurrency,
    [property: Id(8)] string? MethodBrand,
    [property: Id(9)] string? MethodLast4,
    [property: Id(10)] string Channel,
    [property: Id(11)] string Description,
    [property: Id(12)] DateTimeOffset CreatedAt)
{
    /// <summary>The unique key of an event: one per payment and kind, and one per refund.</summary>
    public static string IdFor(string paymentId, LedgerKind kind, string? refundId = null) =>
        kind == LedgerKind.Refunded
            ? $"{paymentId}:refunded:{refundId ?? throw new ArgumentNullException(nameof(refundId))}"
            : $"{paymentId}:{kind.ToString().ToLowerInvariant()}";
}

/// <summary>The ledger table, as the grains write it.</summary>
public interface ILedger
{
    /// <summary>Inserts the entries whose <see cref="LedgerEntry.EntryId"/> is not there yet; the others are left as they are.</summary>
    Task Append(IReadOnlyCollection<LedgerEntry> entries, CancellationToken cancellationToken);
}
