using Actors.Grains.Catalog;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.Profiles;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Deciders;

/// <summary>Customer states made the only way the grain makes them: decisions applied as events.</summary>
public static class Customers
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    public static readonly ExchangeRates Rates = new(new Dictionary<string, decimal> { ["EUR"] = 1m, ["USD"] = 1.1m });
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>No offers, one point per euro; risk checks off, since these journeys pay far faster than a person.</summary>
    public static readonly PersonalizationSettings Offering = new() { RiskChecks = false };
    public const string CustomerId = "cus_00000000000000000001";
    public const string Visa = "pm_visa";

    /// <summary>A customer in Berlin paying in euros, with a saved Visa card and the caps given.</summary>
    public static CustomerState Shopper(long? daily = null, long? weekly = null, long? monthly = null)
    {
        var state = Apply(CustomerState.New, ProfileDecider.Create(CustomerState.New, CustomerId,
            new ProfileDraft("Grace Hopper", null, null, null, "EUR", "Europe/Berlin"), Now).Events);
        state = Apply(state, WalletDecider.Add(state, Visa, new PaymentMethodDraft("tok_visa", "visa", "4242", 12, 2030, "DE", false), Now, StepUpStanding.Satisfied).Events);
        return daily is null && weekly is null && monthly is null
            ? state
            : Apply(state, LimitsDecider.Set(state, new CapRequest(daily, weekly, monthly), Now, TimeSpan.FromHours(24), StepUpStanding.Satisfied).Events);
    }

    public static CustomerState Apply(CustomerState state, IEnumerable<JournalEvent> events) => CustomerEvolution.ApplyAll(state, events);

    /// <summary>Prices every <see cref="TestCatalog.Sku"/>-shaped SKU at what it names, as a mug.</summary>
    public static readonly Func<string, CatalogItem?> Catalog = TestCatalog.ByName("Mug");

    /// <summary>One mug at <paramref name="unitPrice"/> (the price <see cref="Catalog"/> gives its SKU).</summary>
    public static CheckoutDraft Lines(long unitPrice, string currency = "EUR") =>
        new([new CheckoutDraftLine(TestCatalog.Sku("mug", unitPrice, currency), 1)], null);

    /// <summary>The state with a new checkout of <paramref name="amount"/>, and its id.</summary>
    public static (CustomerState State, string CheckoutId) WithCheckout(CustomerState state, long amount, DateTimeOffset? at = null)
    {
        var id = "chk_" + Guid.NewGuid().ToString("N")[..20];
        var decision = CheckoutDecider.Create(state, id, Lines(amount), Catalog, "web", null, Rates, Offering, Lifetime, at ?? Now);
        Assert.IsType<MoneyResult.CheckoutCreated>(decision.Answer);
        return (Apply(state, decision.Events), id);
    }

    /// <summary>The state with <paramref name="amount"/> reserved for a new payment (processing), and the payment's id.</summary>
    public static (CustomerState State, string PaymentId) WithReservation(CustomerState state, long amount, DateTimeOffset? at = null)
    {
        (state, var checkoutId) = WithCheckout(state, amount, at);
        var paymentId = "pay_" + Guid.NewGuid().ToString("N")[..20];
        var decision = PaymentDecider.Confirm(state, checkoutId, new ConfirmDraft(Visa, null), paymentId, "web", at ?? Now);
        Assert.Null(decision.Refusal);
        return (Apply(state, decision.Events), paymentId);
    }

    public static (CustomerState State, string PaymentId) WithPayment(CustomerState state, long amount, DateTimeOffset? at = null)
    {
        (state, var paymentId) = WithReservation(state, amount, at);
        return (Apply(state, PaymentDecider.Settle(state, paymentId, new ChargeOutcome.Succeeded("ch_1"), at ?? Now)), paymentId);
    }
}
