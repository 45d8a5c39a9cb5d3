using Actors.Grains.Journal;

namespace Actors.Grains.Payments;

/// <summary>What happened to a payment, as history and receipts name it. Each kind happens at most once per payment, except refunds.</summary>
public enum LedgerKind
{
    Authorized,
    Succeeded,
    Declined,
    Refunded,
    Released,
}

/// <summary>
/// The ledger's face of a money event: the columns its journal row carries so that history, filters, CSV and
/// receipts are plain SQL over the journal. Written once with the event, in the same row; never updated.
/// Only the reservation (<see cref="LedgerKind.Authorized"/>) carries what a payment shows; an outcome names its
/// kind, a refund its amount and id.
/// </summary>
public sealed record LedgerFacts(
    string PaymentId,
    LedgerKind? Kind,
    long? Amount = null,
    string? Currency = null,
    long? ConvertedAmount = null,
    string? ConvertedCurrency = null,
    string? MethodBrand = null,
    string? MethodLast4 = null,
    string? Channel = null,
    string? Description = null,
    string? RefundId = null)
{
    /// <summary>The ledger columns of <paramref name="change"/>; null for an event that concerns no payment.</summary>
    public static LedgerFacts? Of(JournalEvent change) => change switch
    {
        PaymentReserved { Payment: var p } => new(p.Id, LedgerKind.Authorized, p.Amount, p.Currency, p.ConvertedAmount, p.CapCurrency,
            p.Brand, p.Last4, p.Channel, p.Description),
        PaymentSucceeded succeeded => new(succeeded.PaymentId, LedgerKind.Succeeded),
        PaymentDeclined declined => new(declined.PaymentId, LedgerKind.Declined),
        PaymentReleased released => new(released.PaymentId, LedgerKind.Released),
        RefundSucceeded { Refund: var r } => new(r.PaymentId, LedgerKind.Refunded, r.Amount, r.Currency, RefundId: r.Id),
        _ when PaymentLife.PaymentIdOf(change) is { } paymentId => new(paymentId, Kind: null),
        _ => null,
    };

    /// <summary>The text stored for each kind, spelled out so renaming an enum member never changes stored rows.</summary>
    public static string KindText(LedgerKind kind) => kind switch
    {
        LedgerKind.Authorized => "authorized",
        LedgerKind.Succeeded => "succeeded",
        LedgerKind.Declined => "declined",
        LedgerKind.Refunded => "refunded",
        LedgerKind.Released => "released",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a ledger kind."),
    };
}
