using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Deciders;

/// <summary>Each decision appends only what changed: one small event per change, and nothing for a restatement or a refusal.</summary>
public sealed class DecisionEventsTests
{
    private static readonly Func<string, Grains.Catalog.CatalogItem?> Mug = Infrastructure.TestCatalog.Of(Infrastructure.TestCatalog.Item("mug", "Mug", 900));

    [Fact]
    public void A_cart_edit_is_one_small_event_and_replaying_it_makes_the_answered_cart()
    {
        var state = Shopper();

        var put = CartDecider.Put(state, 0, new CartItemDraft("mug", 2), Mug, Now);

        var set = Assert.IsType<CartLineSet>(Assert.Single(put.Events));
        Assert.Equal(new CartLine("mug", "Mug", 900, "EUR", 2, CatalogVersion: 1), set.Line);
        var answered = Assert.IsType<CartResult.Updated>(put.Answer).Cart;
        var replayed = Apply(state, put.Events).Commerce.Cart;
        Assert.Equal((answered.Version, answered.UpdatedAt), (replayed.Version, replayed.UpdatedAt));
        Assert.Equal(answered.Lines, replayed.Lines);
    }

    [Fact]
    public void Refused_or_empty_cart_edits_append_nothing()
    {
        var state = Shopper();

        Assert.Empty(CartDecider.Put(state, 7, new CartItemDraft("mug", 1), Mug, Now).Events);
        Assert.Empty(CartDecider.Put(state, 0, new CartItemDraft("mug", 0), Mug, Now).Events);
        Assert.Empty(CartDecider.Put(state, 0, new CartItemDraft("not-sold", 1), Mug, Now).Events);
        Assert.Empty(CartDecider.Remove(state, 0, "not-there", Now).Events);
        Assert.IsType<CartResult.CustomerNotFound>(CartDecider.Put(Grains.Customers.CustomerState.New, 0, new CartItemDraft("mug", 1), Mug, Now).Answer);
    }

    [Fact]
    public void Saving_a_token_again_appends_nothing_and_removing_appends_the_removal()
    {
        var state = Shopper();

        var again = WalletDecider.Add(state, "pm_again", new PaymentMethodDraft("tok_visa", "visa", "4242", 12, 2030, "DE", false), Now, StepUpStanding.Satisfied);
        var removed = WalletDecider.Remove(state, Visa, Now);

        Assert.Empty(again.Events);
        Assert.Equal(Visa, Assert.IsType<WalletResult.Saved>(again.Answer).Method.Id);
        Assert.Equal(Visa, Assert.IsType<PaymentMethodRemoved>(Assert.Single(removed.Events)).PaymentMethodId);
        Assert.Empty(Apply(state, removed.Events).Commerce.Wallet.Methods);
        Assert.Empty(WalletDecider.Remove(state, "pm_unknown", Now).Events);
    }

    [Fact]
    public void Preferring_a_card_appends_one_event_and_preferring_it_again_or_an_unknown_one_appends_nothing()
    {
        var state = Apply(Shopper(), WalletDecider.Add(Shopper(), "pm_master", new PaymentMethodDraft("tok_mastercard", "mastercard", "4444", 12, 2030, "DE", false), Now, StepUpStanding.Satisfied).Events);

        var prefer = WalletDecider.Prefer(state, "pm_master", Now);
        var preferred = Apply(state, prefer.Events);

        Assert.Equal("pm_master", Assert.IsType<PaymentMethodPreferred>(Assert.Single(prefer.Events)).PaymentMethodId);
        Assert.Equal("pm_master", preferred.Commerce.Wallet.PreferredId);
        Assert.Equal(["pm_master", Visa], preferred.Commerce.Wallet.Ranked(Now).Select(method => method.Id));
        Assert.Empty(WalletDecider.Prefer(preferred, "pm_master", Now).Events);
        Assert.IsType<WalletResult.Saved>(WalletDecider.Prefer(preferred, "pm_master", Now).Answer);
        Assert.Empty(WalletDecider.Prefer(preferred, "pm_unknown", Now).Events);
        Assert.IsType<WalletResult.NotFound>(WalletDecider.Prefer(preferred, "pm_unknown", Now).Answer);
    }

    [Fact]
    public void Restating_the_caps_in_force_appends_nothing_and_a_change_appends_the_caps_as_they_now_stand()
    {
        var state = Shopper(daily: 5_000);

        var same = LimitsDecider.Set(state, new CapRequest(5_000, null, null), Now, TimeSpan.FromHours(24), StepUpStanding.Satisfied);
        var raise = LimitsDecider.Set(state, new CapRequest(9_000, null, null), Now, TimeSpan.FromHours(24), StepUpStanding.Satisfied);

        Assert.Empty(same.Events);
        var caps = Assert.IsType<CapsSet>(Assert.Single(raise.Events));
        Assert.Equal((5_000L, "EUR"), (caps.Limits.Daily!.Value, caps.CapCurrency));
        Assert.Equal(new PendingCap(CapWindow.Daily, 9_000, Now, Now.AddHours(24)), Assert.Single(caps.Limits.Pending));
    }

    [Fact]
    public void Profile_decisions_append_the_new_profile_only_when_it_changed()
    {
        var state = Shopper();

        var unchanged = ProfileDecider.Update(state, 1, new ProfilePatch { DisplayName = new("Grace Hopper") }, Now, StepUpStanding.Satisfied);
        var renamed = ProfileDecider.Update(state, 1, new ProfilePatch { DisplayName = new("Grace Murray Hopper") }, Now.AddMinutes(1), StepUpStanding.Satisfied);
        var twice = ProfileDecider.Create(state, CustomerId, new ProfileDraft("Other", null, null, null, "EUR", "UTC"), Now);

        Assert.Empty(unchanged.Events);
        Assert.Equal(2, Assert.IsType<ProfileUpdated>(Assert.Single(renamed.Events)).Profile.Version);
        Assert.Empty(twice.Events);
        Assert.IsType<ProfileResult.AlreadyExists>(twice.Answer);
    }

    [Fact]
    public void A_checkout_s_event_holds_the_summary_it_answers_with()
    {
        var state = Shopper(daily: 10_000);

        var created = CheckoutDecider.Create(state, "chk_1", Lines(1_100, "USD"), Catalog, "pos", null, Rates, Offering, Lifetime, Now);

        var summary = Assert.IsType<MoneyResult.CheckoutCreated>(created.Answer).Summary;
        Assert.Same(summary, Assert.IsType<CheckoutCreated>(Assert.Single(created.Events)).Summary);
        Assert.Equal((1_100L, "USD", 1_000L, "EUR", "pos"), (summary.Checkout.Total, summary.Checkout.Currency, summary.Checkout.ConvertedTotal,
            summary.Checkout.CapCurrency, summary.Checkout.Channel));
        Assert.Equal([Visa], summary.PaymentMethods.Select(method => method.Id));
        Assert.Equal(10_000, Assert.Single(summary.Headroom).Remaining);
    }

    [Fact]
    public void Checkouts_that_cannot_be_made_append_nothing()
    {
        var state = Shopper();
        var excluded = Apply(state, LimitsDecider.SelfExclude(state, Now.AddDays(2), Now).Events);

        Assert.IsType<MoneyResult.CartEmpty>(CheckoutDecider.Create(state, "chk_1", new CheckoutDraft(null, null), Catalog, "web", null, Rates, Offering, Lifetime, Now).Answer);
        Assert.IsType<MoneyResult.UnsupportedCurrency>(CheckoutDecider.Create(state, "chk_1", Lines(100, "JPY"), Catalog, "web", null, Rates, Offering, Lifetime, Now).Answer);
        Assert.IsType<MoneyResult.SelfExcluded>(CheckoutDecider.Create(excluded, "chk_1", Lines(100), Catalog, "web", null, Rates, Offering, Lifetime, Now).Answer);
        Assert.All(new[]
        {
            CheckoutDecider.Create(state, "chk_1", new CheckoutDraft(null, null), Catalog, "web", null, Rates, Offering, Lifetime, Now),
            CheckoutDecider.Create(state, "chk_1", Lines(100, "JPY"), Catalog, "web", null, Rates, Offering, Lifetime, Now),
            CheckoutDecider.Create(excluded, "chk_1", Lines(100), Catalog, "web", null, Rates, Offering, Lifetime, Now),
        }, decision => Assert.Empty(decision.Events));
    }
}
