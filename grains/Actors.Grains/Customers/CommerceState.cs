using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;

namespace Actors.Grains.Customers;

/// <summary>
/// Everything of a customer that money-moving turns read and change together, persisted in one write per turn:
/// cart, saved methods, caps and spend, open checkouts, recent payments, idempotency records, and the ledger
/// entries not yet known to be in the ledger table (the outbox).
/// </summary>
[GenerateSerializer, Immutable, Alias("commerce-state-v1")]
public sealed record CommerceState
{
    /// <summary>Settled payments kept in state (for refunds and replays); older history lives in the ledger only.</summary>
    public const int MaxRecentPayments = 100;

    /// <summary>
    /// At most this many checkouts are kept. Expired ones go first (after a grace period, so confirming one late
    /// says "expired" rather than "not found"), then the oldest closed ones; open ones are never dropped.
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
    [Id(8)] public ImmutableList<LedgerEntry> Outbox { get; init; } = [];

    public Payment? FindPayment(string id) => Payments.Find(payment => payment.Id == id);

    public CommerceState WithPayment(Payment payment)
    {
        var existing = FindPayment(payment.Id);
        return this with { Payments = existing is null ? Payments.Add(payment) : Payments.Replace(existing, payment) };
    }

    public CommerceState WithCheckout(Checkout checkout) => this with { Checkouts = Checkouts.SetItem(checkout.Id, checkout) };

    /// <summary>Forgets what no rule can need any more; open payments and their checkouts are always kept.</summary>
    public CommerceState Pruned(DateTimeOffset now, TimeZoneInfo zone)
    {
        var closed = Payments.Where(payment => !payment.IsOpen).OrderByDescending(payment => payment.CreatedAt).Skip(MaxRecentPayments).ToHashSet();
        var payments = closed.Count == 0 ? Payments : Payments.RemoveAll(closed.Contains);
        var openCheckouts = payments.Where(payment => payment.IsOpen).Select(payment => payment.CheckoutId).ToHashSet();
        var checkouts = Checkouts.Values
            .Where(checkout => openCheckouts.Contains(checkout.Id) || now - checkout.ExpiresAt < CheckoutGrace)
            .OrderByDescending(checkout => openCheckouts.Contains(checkout.Id))
            .ThenByDescending(checkout => checkout.Status == CheckoutStatus.RequiresConfirmation && !checkout.IsExpiredAt(now))
            .ThenByDescending(checkout => checkout.CreatedAt)
            .Take(Math.Max(MaxCheckouts, openCheckouts.Count))
            .ToImmutableDictionary(checkout => checkout.Id);
        return this with { Payments = payments, Checkouts = checkouts, Spend = Spend.Prune(now, zone) };
    }
}
