using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Customers;
using Actors.Grains.Limits;
using Actors.Grains.Live;
using Actors.Grains.Payments;

namespace Actors.Tests.Live;

public sealed class LiveChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly LimitsView Limits = new("EUR", 5_000, null, null, [], null, []);

    private static Checkout Checkout(string id, CheckoutStatus status = CheckoutStatus.RequiresConfirmation, int expiresInMinutes = 15) =>
        new(id, [new CheckoutLine("beans", "Coffee beans", 1_000, 1)], "EUR", 1_000, "EUR", 1_000, false, "Coffee beans", "web",
            Now, Now.AddMinutes(expiresInMinutes), status, null);

    private static Payment Payment(string id, PaymentStatus status, long refunded = 0) =>
        new(id, "chk_1", 1_000, "EUR", 1_000, "EUR", "pm_1", "tok_visa", "visa", "4242", "web", "Coffee beans", status, null, refunded, Now, Now);

    private static List<CustomerEvent> Between(CommerceState before, CommerceState after) =>
        [.. LiveChanges.Between(null, null, before, after, () => Limits, Now)];

    [Fact]
    public void A_turn_that_changed_nothing_announces_nothing()
    {
        var state = new CommerceState();

        Assert.Empty(Between(state, state));
        Assert.Empty(Between(state, state with { Idempotency = state.Idempotency }));
    }

    [Fact]
    public void A_new_cart_version_is_one_cart_change()
    {
        var before = new CommerceState();
        var after = before with { Cart = new Cart { Version = 1, Lines = [new CartLine("mug", "Mug", 900, "EUR", 1)] } };

        var change = Assert.IsType<CartChanged>(Assert.Single(Between(before, after)));
        Assert.Equal(1, change.Cart.Version);
    }

    [Fact]
    public void Checkouts_are_announced_when_created_and_when_their_status_moves()
    {
        var created = new CommerceState().WithCheckout(Checkout("chk_1"));
        var paying = created.WithCheckout(Checkout("chk_1", CheckoutStatus.Processing));

        Assert.Equal(CheckoutChange.Created, Assert.IsType<CheckoutUpdated>(Assert.Single(Between(new CommerceState(), created))).Change);
        Assert.Equal(CheckoutChange.Updated, Assert.IsType<CheckoutUpdated>(Assert.Single(Between(created, paying))).Change);
    }

    [Fact]
    public void A_payment_is_announced_on_each_status_and_on_each_refund_and_moves_the_headroom()
    {
        var zone = TimeZoneInfo.Utc;
        var processing = new CommerceState().WithPayment(Payment("pay_1", PaymentStatus.Processing)) with
        {
            Spend = SpendBook.Empty.Reserve("pay_1", 1_000, Now, zone),
        };
        var succeeded = processing.WithPayment(Payment("pay_1", PaymentStatus.Succeeded)) with { Spend = processing.Spend.Settle("pay_1") };
        var refunded = succeeded.WithPayment(Payment("pay_1", PaymentStatus.Succeeded, refunded: 400));

        var reserved = Between(new CommerceState(), processing);
        var settled = Between(processing, succeeded);
        var refund = Assert.IsType<PaymentUpdated>(Assert.Single(Between(succeeded, refunded)));

        Assert.Equal([typeof(PaymentUpdated), typeof(LimitsChanged)], reserved.Select(change => change.GetType()));
        Assert.Equal(LimitsReason.Spent, Assert.IsType<LimitsChanged>(reserved[1]).Reason);
        Assert.Equal(PaymentStatus.Succeeded, Assert.IsType<PaymentUpdated>(settled[0]).Payment.Status);
        Assert.False(Assert.IsType<PaymentUpdated>(settled[0]).Refunded);
        Assert.True(refund.Refunded);
    }

    [Fact]
    public void Spend_pruned_of_old_days_without_money_moving_is_not_a_limits_change()
    {
        var before = new CommerceState { Spend = SpendBook.Empty.Reserve("pay_0", 100, Now.AddDays(-60), TimeZoneInfo.Utc).Settle("pay_0") };
        var after = before with { Spend = before.Spend.Prune(Now, TimeZoneInfo.Utc) };

        Assert.NotEqual(before.Spend, after.Spend);
        Assert.Empty(Between(before, after));
    }

    [Fact]
    public void Self_exclusion_is_told_apart_from_a_cap_change()
    {
        var before = new CommerceState();
        var capped = before with { Limits = before.Limits with { Daily = 5_000 } };
        var excluded = before with { Limits = before.Limits with { ExcludedUntil = Now.AddDays(30) } };

        Assert.Equal(LimitsReason.Updated, Assert.IsType<LimitsChanged>(Assert.Single(Between(before, capped))).Reason);
        Assert.Equal(LimitsReason.SelfExcluded, Assert.IsType<LimitsChanged>(Assert.Single(Between(before, excluded))).Reason);
    }

    [Fact]
    public void Only_open_checkouts_expire_and_the_next_due_moment_is_the_earliest_expiry_or_cooling_off_end()
    {
        var raise = new PendingCap(CapWindow.Daily, 20_000, Now, Now.AddHours(24));
        var state = new CommerceState { Limits = new SpendingLimits { Daily = 5_000, Pending = [raise] } }
            .WithCheckout(Checkout("chk_open", expiresInMinutes: 15))
            .WithCheckout(Checkout("chk_paid", CheckoutStatus.Succeeded, expiresInMinutes: 5));

        Assert.Equal(Now.AddMinutes(15), LiveChanges.NextDue(state, Now));
        Assert.Equal(raise.EffectiveAt, LiveChanges.NextDue(state, Now.AddMinutes(15)));
        Assert.Null(LiveChanges.NextDue(state, raise.EffectiveAt));

        var expired = Assert.IsType<CheckoutUpdated>(Assert.Single(LiveChanges.Passed(state, Now, Now.AddMinutes(20), () => Limits)));
        Assert.Equal(("chk_open", CheckoutChange.Expired), (expired.Checkout.Id, expired.Change));
        var effective = Assert.IsType<LimitsChanged>(Assert.Single(LiveChanges.Passed(state, Now.AddMinutes(20), Now.AddDays(2), () => Limits)));
        Assert.Equal(LimitsReason.RaiseEffective, effective.Reason);
        Assert.Empty(LiveChanges.Passed(state, Now.AddDays(2), Now.AddDays(3), () => Limits));
    }

    [Fact]
    public void A_recorded_decision_is_one_consent_change_for_watchers()
    {
        var before = Deciders.Customers.Shopper();
        var after = Deciders.Customers.Apply(before, ConsentDecider.Record(before, ConsentPurpose.Marketing, new ConsentDraft(true, "v1"), "web", "phone-1", Now).Events);

        Assert.Null(LiveChanges.Consents(before.Consents, before.Consents));
        var change = Assert.IsType<ConsentChanged>(LiveChanges.Consents(before.Consents, after.Consents));
        Assert.True(change.Consents.LatestFor(ConsentPurpose.Marketing)!.Granted);
    }
}
