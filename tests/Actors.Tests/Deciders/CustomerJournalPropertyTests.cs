using System.Text;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.StepUp;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Deciders;

/// <summary>
/// Random journeys through the deciders (checkouts, confirmations, gateway answers in any order, reconciliation,
/// refunds and their retries, cap changes over weeks), checked at every step and replayed from the journal.
/// </summary>
public sealed class CustomerJournalPropertyTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => services.Dispose();

    private enum Act { Wait, Checkout, Confirm, GatewayAnswers, Reconcile, Refund, RefundAnswers, Caps }

    private sealed record Step(Act Act, int Minutes, long Amount, int Pick, int Outcome);

    private static readonly Gen<Step> GenStep = Gen.Select(Gen.Enum<Act>(), Gen.Int[0, 12 * 60], Gen.Long[1, 7_000], Gen.Int[0, 1_000], Gen.Int[0, 3],
        (act, minutes, amount, pick, outcome) => new Step(act, minutes, amount, pick, outcome));

    private static readonly Gen<long?> GenCap = Gen.Long[500, 40_000].Nullable(0.3);

    [Fact]
    public void No_journey_exceeds_a_cap_refunds_more_than_was_captured_or_replays_differently()
    {
        Gen.Select(GenCap, GenCap, GenStep.Array[1, 150], Gen.Int[0, 1_000]).Sample((daily, weekly, steps, cut) =>
        {
            var (events, final) = Journey(Shopper(daily, weekly), steps);

            Assert.Equal(Describe(final), Describe(ApplyAll(Shopper(daily, weekly), events)));
            // A snapshot taken anywhere, stored and read back, then the events after it: the same customer.
            var at = cut % (events.Count + 1);
            var snapshot = RoundTrip(ApplyAll(Shopper(daily, weekly), events.Take(at)));
            Assert.Equal(Describe(final), Describe(ApplyAll(snapshot, events.Skip(at))));
        }, iter: 300);
    }

    /// <summary>Runs the steps through the deciders, checking the invariants after every decision; returns the journal and the state.</summary>
    private static (List<JournalEvent> Events, CustomerState State) Journey(CustomerState state, Step[] steps)
    {
        var now = Now;
        var events = new List<JournalEvent>();
        var serial = 0;
        foreach (var step in steps)
        {
            now = now.AddMinutes(step.Act == Act.Wait ? step.Minutes * 4 : 1);
            var commerce = state.Commerce;
            var open = commerce.Payments.Where(payment => payment.IsOpen).ToList();
            var decided = step.Act switch
            {
                Act.Checkout => CheckoutDecider.Create(state, $"chk_{++serial}", Lines(step.Amount), Catalog, "web", null, Rates, Offering, Lifetime, now).Events,
                Act.Confirm when commerce.Checkouts.Values.Where(checkout => checkout.Status == CheckoutStatus.RequiresConfirmation).ToList() is { Count: > 0 } ready =>
                    PaymentDecider.Confirm(state, ready[step.Pick % ready.Count].Id, new ConfirmDraft(Visa, null), $"pay_{++serial}", "web", now).Events,
                Act.GatewayAnswers when open.Count > 0 => PaymentDecider.Settle(state, open[step.Pick % open.Count].Id, Outcome(step.Outcome), now),
                Act.Reconcile when open.Count > 0 => PaymentDecider.Reconcile(state, open[step.Pick % open.Count].Id, Outcome(step.Outcome), now),
                Act.Refund when commerce.Payments.Where(payment => payment.Status == PaymentStatus.Succeeded).ToList() is { Count: > 0 } paid =>
                    RefundOf(state, paid[step.Pick % paid.Count], step, now),
                Act.RefundAnswers when commerce.Refunds.Values.Where(entry => entry.Status == RefundStatus.Pending).ToList() is { Count: > 0 } pending =>
                    RefundDecider.Complete(state, pending[step.Pick % pending.Count].Refund.Id, RefundOutcomeOf(step.Outcome), now),
                Act.Caps => LimitsDecider.Set(state, new CapRequest(step.Amount * 3, step.Outcome == 0 ? null : step.Amount * 8, null), now, TimeSpan.FromHours(24), StepUpStanding.Satisfied).Events,
                _ => [],
            };
            state = ApplyAll(state, decided);
            events.AddRange(decided);

            if (decided.Any(change => change is PaymentReserved))
            {
                var caps = SpendingPolicy.EffectiveAt(state.Commerce.Limits, now);
                var today = SpendWindows.LocalDay(now, state.Zone);
                foreach (var window in SpendWindows.All)
                {
                    var spent = HeldSince(events, SpendWindows.FirstDay(window, today));
                    Assert.True(caps.CapOf(window) is not { } cap || spent <= cap, $"{window} holds {spent} over its cap {caps.CapOf(window)}");
                }
            }
            foreach (var payment in state.Commerce.Payments)
            {
                var pending = state.Commerce.Refunds.Values.Where(entry => entry.Status == RefundStatus.Pending && entry.Refund.PaymentId == payment.Id).Sum(entry => entry.Refund.Amount);
                var succeeded = events.OfType<RefundSucceeded>().Where(refund => refund.Refund.PaymentId == payment.Id).Sum(refund => refund.Refund.Amount);
                Assert.True(payment.Refunded + pending <= payment.Amount, $"{payment.Id}: refunded {payment.Refunded} + pending {pending} of {payment.Amount}");
                Assert.Equal(succeeded, payment.Refunded);
            }
        }
        return (events, state);
    }

    /// <summary>
    /// What the journal says is held from <paramref name="firstDay"/> on, counted from the events alone: every
    /// reservation not given back (declined or released), whether still open or settled.
    /// </summary>
    private static long HeldSince(List<JournalEvent> events, DateOnly firstDay)
    {
        var givenBack = events.Select(change => change switch
        {
            PaymentDeclined declined => declined.PaymentId,
            PaymentReleased released => released.PaymentId,
            _ => null,
        }).OfType<string>().ToHashSet();
        return events.OfType<PaymentReserved>()
            .Where(reserved => reserved.Day >= firstDay && !givenBack.Contains(reserved.Payment.Id))
            .Sum(reserved => reserved.Payment.ConvertedAmount);
    }

    // A few keys per payment, so retries of the same refund (and other bodies under its key) happen.
    private static System.Collections.Immutable.ImmutableArray<JournalEvent> RefundOf(CustomerState state, Payment payment, Step step, DateTimeOffset now) =>
        RefundDecider.Request(state, payment.Id, $"re_{payment.Id}_{step.Pick % 3}", new RefundDraft(step.Outcome == 0 ? null : step.Amount, null), now).Events;

    private static ChargeOutcome? Outcome(int pick) => pick switch
    {
        0 => new ChargeOutcome.Succeeded("ch_1"),
        1 => new ChargeOutcome.Declined("card_declined"),
        2 => new ChargeOutcome.RequiresAction(),
        _ => null,
    };

    private static RefundOutcome? RefundOutcomeOf(int pick) => pick switch
    {
        0 or 1 => new RefundOutcome.Refunded(),
        2 => new RefundOutcome.Rejected("exceeds_captured"),
        _ => null,
    };

    private static CustomerState ApplyAll(CustomerState state, IEnumerable<JournalEvent> events) => CustomerEvolution.ApplyAll(state, events);

    private CustomerState RoundTrip(CustomerState state)
    {
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<CustomerState>(serializer.SerializeToArray(state))!;
    }

    /// <summary>Everything a customer holds, in a fixed order, so two states compare by content.</summary>
    private static string Describe(CustomerState state)
    {
        var commerce = state.Commerce;
        var text = new StringBuilder();
        text.AppendLine($"profile {state.Profile}");
        text.AppendLine($"cart {commerce.Cart.Version} {string.Join(";", commerce.Cart.Lines)}");
        text.AppendLine($"wallet {commerce.Wallet.PreferredId} {string.Join(";", commerce.Wallet.Methods)}");
        text.AppendLine($"limits {commerce.Limits.Daily} {commerce.Limits.Weekly} {commerce.Limits.Monthly} {commerce.Limits.ExcludedUntil} {string.Join(";", commerce.Limits.Pending)} {commerce.CapCurrency}");
        text.AppendLine($"settled {string.Join(";", commerce.Spend.SettledByDay)}");
        text.AppendLine($"reserved {string.Join(";", commerce.Spend.Reservations.Values.OrderBy(reservation => reservation.PaymentId, StringComparer.Ordinal))}");
        text.AppendLine($"checkouts {string.Join(";", commerce.Checkouts.Values.OrderBy(checkout => checkout.Id, StringComparer.Ordinal).Select(checkout => $"{checkout.Id} {checkout.Status} {checkout.PaymentId}"))}");
        text.AppendLine($"payments {string.Join(";", commerce.Payments.OrderBy(payment => payment.Id, StringComparer.Ordinal))}");
        text.AppendLine($"refunds {string.Join(";", commerce.Refunds.Values.OrderBy(entry => entry.Refund.Id, StringComparer.Ordinal))}");
        return text.ToString();
    }
}
