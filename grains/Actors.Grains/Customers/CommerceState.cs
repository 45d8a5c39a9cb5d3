using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.Wallets;

namespace Actors.Grains.Customers;

/// <summary>
/// Everything of a customer that money-moving decisions read: cart, saved methods, caps and spend, open checkouts,
/// recent payments and their refunds, and idempotency records. Bounded: older history lives in the journal only.
/// </summary>
[GenerateSerializer, Immutable, Alias("commerce-state-v2")]
public sealed record CommerceState
{
    /// <summary>Settled payments kept in state (for refunds); older history lives in the journal only.</summary>
    public const int MaxRecentPayments = 100;

    /// <summary>
    /// At most this many checkouts are kept. Past the bound, expired ones go first (after a grace period, so confirming
    /// one late says "expired" rather than "not found"), then the oldest closed ones; open ones are never dropped.
    /// </summary>
    public const int MaxCheckouts = 500;

    private static readonly TimeSpan CheckoutGrace = TimeSpan.FromHours(24);

    [Id(0)] public Cart Cart { get; init; } = Cart.Empty;
    [Id(1)] public Wallet Wallet { get; init; } = Wallet.Empty;
    [Id(2)] public SpendingLimits Limits { get; init; } = SpendingLimits.None;
    [Id(3)] public SpendBook Spend { get; init; } = SpendBook.Empty;

    /// <summary>The currency caps and spend are kept in: the home currency when money first moved or caps were first set.</summary>
    [Id(4)] public string? CapCurrency { get; init; }
    [Id(5)] public ImmutableDictionary<string, Checkout> Checkouts { get; init; } = ImmutableDictionary<string, Checkout>.Empty;
    [Id(6)] public ImmutableList<Payment> Payments { get; init; } = [];
    [Id(7)] public IdempotencyBook Idempotency { get; init; } = IdempotencyBook.Empty;

    /// <summary>The refunds of the payments kept, by refund id.</summary>
    [Id(8)] public ImmutableDictionary<string, RefundEntry> Refunds { get; init; } = ImmutableDictionary<string, RefundEntry>.Empty;

    /// <summary>Loyalty points the customer can redeem (points of open payments are held back).</summary>
    [Id(9)] public long Points { get; init; }

    /// <summary>Running figures of the customer's own purchases, from which segments and the usual amount follow.</summary>
    [Id(10)] public ShopperStats Stats { get; init; } = ShopperStats.None;

    /// <summary>The latest wrong step-up codes, across payments: enough of them lock code entry for a while.</summary>
    [Id(11)] public StepUpFailures StepUpFailures { get; init; } = StepUpFailures.None;

    public static CommerceState Empty { get; } = new();

    public Payment? FindPayment(string id) => Payments.Find(payment => payment.Id == id);

    /// <summary>What can still be refunded of a payment: captured, less refunded, less refunds still being decided.</summary>
    public long Refundable(Payment payment) =>
        payment.Refundable - Refunds.Values
            .Where(entry => entry.Status == RefundStatus.Pending && entry.Refund.PaymentId == payment.Id)
            .Sum(entry => entry.Refund.Amount);

    public CommerceState WithPayment(Payment payment)
    {
        var existing = FindPayment(payment.Id);
        return this with { Payments = existing is null ? Payments.Add(payment) : Payments.Replace(existing, payment) };
    }

    public CommerceState WithCheckout(Checkout checkout) => this with { Checkouts = Checkouts.SetItem(checkout.Id, checkout) };

    /// <summary>
    /// Forgets what no rule can need any more once a bound is passed; open payments, their checkouts and pending
    /// refunds are always kept. Below the bounds nothing is scanned: this runs with every checkout created.
    /// </summary>
    public CommerceState Pruned(DateTimeOffset now, TimeZoneInfo zone)
    {
        var payments = Payments;
        var refunds = Refunds;
        if (Payments.Count > MaxRecentPayments)
        {
            var closed = Payments.Where(payment => !payment.IsOpen && !HasPendingRefund(payment.Id))
                .OrderByDescending(payment => payment.CreatedAt).Skip(Slack(MaxRecentPayments)).Select(payment => payment.Id).ToHashSet();
            payments = Payments.RemoveAll(payment => closed.Contains(payment.Id));
            refunds = Refunds.RemoveRange(Refunds.Values.Where(entry => closed.Contains(entry.Refund.PaymentId)).Select(entry => entry.Refund.Id));
        }
        var checkouts = Checkouts;
        if (Checkouts.Count > MaxCheckouts)
        {
            var openCheckouts = payments.Where(payment => payment.IsOpen).Select(payment => payment.CheckoutId).ToHashSet();
            checkouts = Checkouts.Values
                .Where(checkout => openCheckouts.Contains(checkout.Id) || now - checkout.ExpiresAt < CheckoutGrace)
                .OrderByDescending(checkout => openCheckouts.Contains(checkout.Id))
                .ThenByDescending(checkout => checkout.Status == CheckoutStatus.RequiresConfirmation && !checkout.IsExpiredAt(now))
                .ThenByDescending(checkout => checkout.CreatedAt)
                .Take(Math.Max(Slack(MaxCheckouts), openCheckouts.Count))
                .ToImmutableDictionary(checkout => checkout.Id);
        }
        return this with { Payments = payments, Refunds = refunds, Checkouts = checkouts, Spend = Spend.Prune(now, zone) };
    }

    /// <summary>Pruning past a bound keeps three quarters of it, so a busy customer prunes once in a while, not with every checkout.</summary>
    private static int Slack(int bound) => bound - bound / 4;

    private bool HasPendingRefund(string paymentId) =>
        Refunds.Values.Any(entry => entry.Status == RefundStatus.Pending && entry.Refund.PaymentId == paymentId);
}
