using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Deciders;

public sealed class PersonalizedCheckoutTests
{
    private static readonly PersonalizationSettings WithOffers = new()
    {
        RiskChecks = false,
        Offers = [new Offer { Id = "basket10", Title = "10% off over 50 EUR", PercentOff = 10, Currency = "EUR", MinimumBasket = 5_000 }],
    };

    private static MoneyResult Create(CustomerState state, CheckoutDraft draft, PersonalizationSettings settings, string? device = null) =>
        CheckoutDecider.Create(state, "chk_1", draft, Catalog, "web", device, Rates, settings, Lifetime, Now).Answer;

    private static CheckoutSummary Created(CustomerState state, CheckoutDraft draft, PersonalizationSettings settings, string? device = null) =>
        Assert.IsType<MoneyResult.CheckoutCreated>(Create(state, draft, settings, device)).Summary;

    [Fact]
    public void Without_any_consent_nothing_personal_shapes_the_summary_and_it_says_so()
    {
        var (paid, _) = WithPayment(Shopper(), 1_000);

        var personalized = Created(paid, Lines(2_000), Offering).Personalized!;

        Assert.Empty(personalized.PersonalizedBy);
        Assert.Contains(personalized.Reasons, reason => reason is { Choice: "payment_methods", Purpose: null }
            && reason.Text == "Cards are listed with your preferred card first, then the most recently saved: personalization is off.");
        Assert.All(personalized.Reasons, reason => Assert.Null(reason.Purpose));
        Assert.Equal(("EUR", 2_000L), (personalized.Display.Currency, personalized.DisplayTotal));
    }

    [Fact]
    public void An_offer_whose_conditions_hold_takes_its_discount_off_the_charge_and_the_caps_count_what_is_charged()
    {
        var shopper = Shopper(daily: 10_000);
        var summary = Created(shopper, Lines(6_000), WithOffers);

        Assert.Equal((6_000L, 5_400L, 5_400L), (summary.Checkout.Subtotal, summary.Checkout.Total, summary.Checkout.ConvertedTotal));
        Assert.Equal(new AppliedOffer("basket10", "10% off over 50 EUR", 600, false, "Applied because your basket is at least 50.00 EUR."), summary.Checkout.Offer);
        Assert.Contains(summary.Personalized!.Reasons, reason => reason is { Choice: "offer", Purpose: null });
        var state = Apply(shopper, [new CheckoutCreated(summary) { At = Now }]);
        var reserved = Apply(state, PaymentDecider.Confirm(state, "chk_1", new ConfirmDraft(Visa, null), "pay_1", "web", Now).Events);
        Assert.Equal(5_400, reserved.Commerce.FindPayment("pay_1")!.Amount);
        Assert.Equal(4_600, CheckoutDecider.Summary(reserved, "chk_1", WithOffers, Rates, Now)!.Headroom.Single().Remaining);
    }

    [Fact]
    public void A_settled_payment_earns_points_that_a_later_checkout_can_redeem()
    {
        var (paid, _) = WithPayment(Shopper(), 2_550);
        Assert.Equal(25, paid.Commerce.Points);

        var summary = Created(paid, Lines(4_000) with { RedeemPoints = 20 }, Offering);

        Assert.Equal((4_000L, 3_980L), (summary.Checkout.Subtotal, summary.Checkout.Total));
        Assert.Equal(new PointsRedemption(20, 20), summary.Checkout.Points);
        Assert.Equal(new CheckoutPoints(Balance: 25, Redeemed: 20, Discount: 20, Earns: 39, MaxRedeemable: 25), summary.Personalized!.Points);
    }

    [Fact]
    public void Redeemed_points_are_held_while_the_payment_is_decided_and_given_back_if_it_is_declined()
    {
        var (paid, _) = WithPayment(Shopper(), 3_000);
        var checkout = Created(paid, Lines(1_000) with { RedeemPoints = 30 }, Offering);
        var state = Apply(paid, [new CheckoutCreated(checkout) { At = Now }]);

        var confirm = PaymentDecider.Confirm(state, "chk_1", new ConfirmDraft(Visa, null), "pay_2", "web", Now);
        var reserved = Apply(state, confirm.Events);
        Assert.Equal(0, reserved.Commerce.Points);

        var declined = Apply(reserved, PaymentDecider.Settle(reserved, "pay_2", new ChargeOutcome.Declined("card_declined"), Now));
        Assert.Equal(30, declined.Commerce.Points);

        var again = Apply(declined, PaymentDecider.Confirm(declined, "chk_1", new ConfirmDraft(Visa, null), "pay_3", "web", Now).Events);
        var succeeded = Apply(again, PaymentDecider.Settle(again, "pay_3", new ChargeOutcome.Succeeded("ch_3"), Now));
        // 30 held and spent; 970 cents charged earn 9.
        Assert.Equal(9, succeeded.Commerce.Points);
    }

    [Fact]
    public void Points_spent_by_another_checkout_meanwhile_refuse_the_confirmation()
    {
        var (paid, _) = WithPayment(Shopper(), 3_000);
        var first = Created(paid, Lines(1_000) with { RedeemPoints = 30 }, Offering);
        var state = Apply(paid, [new CheckoutCreated(first) { At = Now }]);
        var second = CheckoutDecider.Create(state, "chk_2", Lines(1_000) with { RedeemPoints = 30 }, Catalog, "web", null, Rates, Offering, Lifetime, Now);
        state = Apply(state, second.Events);
        state = Apply(state, PaymentDecider.Confirm(state, "chk_1", new ConfirmDraft(Visa, null), "pay_2", "web", Now).Events);

        var refused = PaymentDecider.Confirm(state, "chk_2", new ConfirmDraft(Visa, null), "pay_3", "web", Now);

        Assert.Equal(new MoneyResult.PointsUnavailable(30, 0), refused.Refusal);
    }

    [Theory]
    [InlineData(26)] // more than the balance
    [InlineData(-1)]
    public void Points_that_cannot_be_redeemed_are_a_field_error(long points)
    {
        var (paid, _) = WithPayment(Shopper(), 2_550);

        var invalid = Assert.IsType<MoneyResult.Invalid>(Create(paid, Lines(4_000) with { RedeemPoints = points }, Offering));

        Assert.Equal(["must be between 1 and 25: you have 25 points and at most 50% of a purchase can be paid with them"], invalid.Errors["redeemPoints"]);
    }

    [Fact]
    public void A_risky_checkout_asks_the_bank_for_step_up_and_offers_only_cards_paid_with_before()
    {
        var riskOn = new PersonalizationSettings();
        var state = Shopper();
        for (var i = 0; i < 3; i++)
        {
            (state, _) = WithPayment(state, 1_000, Now.AddHours(-3));
        }
        state = Apply(state, WalletDecider.Add(state, "pm_new", new PaymentMethodDraft("tok_mastercard", "mastercard", "4444", 12, 2030, "DE", false), Now, StepUpStanding.Satisfied).Events);

        // A device never seen, and twenty times the usual amount.
        var summary = Created(state, Lines(20_000), riskOn, device: "new-phone");

        Assert.Equal((90, true, true), (summary.Checkout.Risk.Score, summary.Checkout.Risk.RequiresStepUp, summary.Checkout.Risk.HidesUnprovenMethods));
        Assert.Equal([Visa], summary.PaymentMethods.Select(method => method.Id));
        Assert.Contains(summary.Personalized!.Reasons, reason => reason.Text == "Only cards you have paid with before are offered for this purchase, to protect you.");
        Assert.Contains(summary.Personalized.Reasons, reason => reason.Text == "Your bank will ask you to confirm this payment.");

        var checkedOut = Apply(state, [new CheckoutCreated(summary) { At = Now }]);
        Assert.Equal(new MoneyResult.MethodNotOffered("pm_new"),
            PaymentDecider.Confirm(checkedOut, "chk_1", new ConfirmDraft("pm_new", null), "pay_9", "web", Now).Refusal);
        var confirmed = PaymentDecider.Confirm(checkedOut, "chk_1", new ConfirmDraft(Visa, null), "pay_9", "web", Now);
        Assert.True(confirmed.Charge!.ChallengeRequested);
    }

    [Fact]
    public void An_ordinary_checkout_from_a_known_device_is_not_challenged()
    {
        var state = Shopper();
        state = Apply(state, [new Grains.Sessions.DeviceSeen(new Grains.Sessions.DeviceSession("laptop", "web", null, Now.AddDays(-30), Now.AddDays(-1))) { At = Now.AddDays(-1) }]);

        var summary = Created(state, Lines(2_000), new PersonalizationSettings(), device: "laptop");

        Assert.Equal(RiskAssessment.None.Score, summary.Checkout.Risk.Score);
        var checkedOut = Apply(state, [new CheckoutCreated(summary) { At = Now }]);
        Assert.False(PaymentDecider.Confirm(checkedOut, "chk_1", new ConfirmDraft(Visa, null), "pay_9", "web", Now).Charge!.ChallengeRequested);
    }
}
