using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Limits;
using Actors.Grains.Merge;
using Actors.Grains.Money;
using Actors.Grains.Wallets;
using CsCheck;

namespace Actors.Tests.Merge;

/// <summary>How two customers' caps, consent, spend, carts and wallets combine in a merge: examples and properties.</summary>
public sealed class MergeRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Tomorrow = Now.AddDays(1);
    private static readonly DateTimeOffset InTwoDays = Now.AddDays(2);

    private static SpendingLimits Caps(long? daily = null, long? weekly = null, long? monthly = null, params PendingCap[] pending) =>
        SpendingLimits.None with { Daily = daily, Weekly = weekly, Monthly = monthly, Pending = [.. pending] };

    private static PendingCap Raise(long? amount, DateTimeOffset effectiveAt, CapWindow window = CapWindow.Daily) =>
        new(window, amount, effectiveAt.AddDays(-1), effectiveAt);

    // ---- caps and self-exclusion ----

    [Fact]
    public void Per_window_the_lower_cap_holds_and_no_cap_is_the_loosest()
    {
        var merged = MergeRules.Limits(Caps(daily: 100, monthly: 5_000), Caps(daily: 300, weekly: 1_000));

        Assert.Equal(Caps(daily: 100, weekly: 1_000, monthly: 5_000), merged);
    }

    [Fact]
    public void The_later_self_exclusion_holds_whichever_side_it_is_on()
    {
        var survivor = SpendingLimits.None with { ExcludedUntil = Tomorrow };
        var other = SpendingLimits.None with { ExcludedUntil = InTwoDays };

        Assert.Equal(InTwoDays, MergeRules.Limits(survivor, other).ExcludedUntil);
        Assert.Equal(InTwoDays, MergeRules.Limits(other, survivor).ExcludedUntil);
        Assert.Equal(Tomorrow, MergeRules.Limits(survivor, SpendingLimits.None).ExcludedUntil);
    }

    [Fact]
    public void A_raise_cooling_off_survives_only_up_to_the_other_sides_cap_and_keeps_its_wait()
    {
        var survivor = Caps(daily: 100, pending: Raise(500, Tomorrow));

        var merged = MergeRules.Limits(survivor, Caps(daily: 300));

        Assert.Equal(Caps(daily: 100, pending: Raise(300, Tomorrow)), merged);
    }

    [Fact]
    public void A_raise_to_more_than_a_stricter_cap_on_the_other_side_is_dropped()
    {
        var merged = MergeRules.Limits(Caps(daily: 100, pending: Raise(500, Tomorrow)), Caps(daily: 50));

        Assert.Equal(Caps(daily: 50), merged);
    }

    [Fact]
    public void Raises_on_both_sides_head_for_the_lower_amount_and_wait_for_the_later_of_both_waits()
    {
        var survivor = Caps(daily: 100, pending: new PendingCap(CapWindow.Daily, 500, Now.AddHours(-1), Tomorrow));
        var other = Caps(daily: 200, pending: new PendingCap(CapWindow.Daily, 400, Now.AddHours(-3), InTwoDays));

        var merged = MergeRules.Limits(survivor, other);

        Assert.Equal(Caps(daily: 100, pending: new PendingCap(CapWindow.Daily, 400, Now.AddHours(-1), InTwoDays)), merged);
    }

    [Fact]
    public void A_raise_on_the_stricter_side_waits_even_when_the_looser_side_has_no_raise()
    {
        // The merged customer's 50 rises to 80 only after its cooling-off; the survivor's 100 is already in force.
        var merged = MergeRules.Limits(Caps(daily: 100), Caps(daily: 50, pending: Raise(80, InTwoDays)));

        Assert.Equal(Caps(daily: 50, pending: Raise(80, InTwoDays)), merged);
    }

    [Fact]
    public void A_removal_cooling_off_on_both_sides_stays_a_removal()
    {
        var merged = MergeRules.Limits(
            Caps(weekly: 1_000, pending: Raise(null, Tomorrow, CapWindow.Weekly)),
            Caps(weekly: 2_000, pending: Raise(null, InTwoDays, CapWindow.Weekly)));

        // The later wait, and the later request of the two.
        Assert.Equal(Caps(weekly: 1_000, pending: Raise(null, InTwoDays, CapWindow.Weekly)), merged);
    }

    [Fact]
    public void A_removal_cooling_off_against_an_uncapped_side_that_is_not_cooling_off_stays_pending()
    {
        var merged = MergeRules.Limits(Caps(monthly: 9_000, pending: Raise(null, Tomorrow, CapWindow.Monthly)), SpendingLimits.None);

        Assert.Equal(Caps(monthly: 9_000, pending: Raise(null, Tomorrow, CapWindow.Monthly)), merged);
    }

    [Fact]
    public void Converting_changes_every_amount_and_keeps_no_cap_and_the_waits()
    {
        var limits = Caps(daily: 100, monthly: 3_000, pending: [Raise(null, Tomorrow), Raise(5_000, InTwoDays, CapWindow.Monthly)])
            with
        { ExcludedUntil = Tomorrow };

        var converted = MergeRules.Converted(limits, amount => amount * 2);

        Assert.Equal(
            Caps(daily: 200, monthly: 6_000, pending: [Raise(null, Tomorrow), Raise(10_000, InTwoDays, CapWindow.Monthly)]) with { ExcludedUntil = Tomorrow },
            converted);
    }

    [Fact]
    public void A_raise_that_conversion_rounds_onto_the_cap_is_no_raise_after_the_merge()
    {
        // 101 and 100 both convert to 1: what is left to cool off is nothing.
        var converted = MergeRules.Converted(Caps(daily: 100, pending: Raise(101, Tomorrow)), amount => amount / 100);

        Assert.Equal(Caps(daily: 1), MergeRules.Limits(SpendingLimits.None, converted));
    }

    // Limits as customers can reach them: caps set, then a second statement whose raises and removals cool off, and
    // sometimes a self-exclusion.
    private static readonly Gen<long?> GenCap = Gen.Long[1, 1_000].Nullable(0.3);

    private static readonly Gen<CapRequest> GenRequest = Gen.Select(GenCap, GenCap, GenCap, (daily, weekly, monthly) => new CapRequest(daily, weekly, monthly));

    private static readonly Gen<SpendingLimits> GenLimits = Gen.Select(
        GenRequest, GenRequest, Gen.Int[0, 72 * 60], Gen.Int[1, 96 * 60], Gen.Int[24 * 60, 60 * 24 * 60].Nullable(0.7),
        (caps, raise, minutesBefore, coolingOff, excludedFor) =>
        {
            var asked = Now.AddMinutes(-minutesBefore);
            var set = Applied(SpendingPolicy.Change(SpendingLimits.None, caps, asked.AddDays(-30), TimeSpan.FromHours(24)));
            // The handover and the survivor's own limits are both as they stand now: nothing still pending is due.
            var limits = SpendingPolicy.EffectiveAt(Applied(SpendingPolicy.Change(set, raise, asked, TimeSpan.FromMinutes(coolingOff))), Now);
            return excludedFor is { } minutes ? limits with { ExcludedUntil = Now.AddMinutes(minutes) } : limits;
        });

    private static SpendingLimits Applied(LimitsChange change) => Assert.IsType<LimitsChange.Applied>(change).Limits;

    /// <summary>The instants the caps can change at: now, and each wait's end, a tick before and after it, and long after.</summary>
    private static IEnumerable<DateTimeOffset> Moments(params SpendingLimits[] limits) =>
        limits.SelectMany(side => side.Pending).SelectMany(change => new[] { change.EffectiveAt.AddTicks(-1), change.EffectiveAt, change.EffectiveAt.AddTicks(1) })
            .Append(Now).Append(Now.AddYears(1));

    [Fact]
    public void At_every_moment_after_the_merge_each_cap_is_at_least_as_strict_as_either_sides()
    {
        Gen.Select(GenLimits, GenLimits).Sample((survivor, other) =>
        {
            var merged = MergeRules.Limits(survivor, other);
            foreach (var moment in Moments(survivor, other, merged))
            {
                foreach (var window in SpendWindows.All)
                {
                    var cap = SpendingPolicy.EffectiveAt(merged, moment).CapOf(window);
                    Assert.True(AtMost(cap, SpendingPolicy.EffectiveAt(survivor, moment).CapOf(window)), $"{window} at {moment}: {cap}");
                    Assert.True(AtMost(cap, SpendingPolicy.EffectiveAt(other, moment).CapOf(window)), $"{window} at {moment}: {cap}");
                }
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Once_both_sides_waits_are_over_each_cap_is_the_stricter_of_where_both_were_heading()
    {
        Gen.Select(GenLimits, GenLimits).Sample((survivor, other) =>
        {
            var later = Now.AddYears(1);
            var merged = SpendingPolicy.EffectiveAt(MergeRules.Limits(survivor, other), later);
            foreach (var window in SpendWindows.All)
            {
                Assert.Equal(
                    MergeRules.Lower(SpendingPolicy.EffectiveAt(survivor, later).CapOf(window), SpendingPolicy.EffectiveAt(other, later).CapOf(window)),
                    merged.CapOf(window));
            }
        }, iter: 2_000);
    }

    [Fact]
    public void A_raise_after_the_merge_is_never_due_sooner_than_either_sides_wait_for_its_window()
    {
        Gen.Select(GenLimits, GenLimits).Sample((survivor, other) =>
        {
            var merged = MergeRules.Limits(survivor, other);
            foreach (var change in merged.Pending)
            {
                Assert.All(survivor.Pending.Concat(other.Pending).Where(side => side.Window == change.Window),
                    side => Assert.True(change.EffectiveAt >= side.EffectiveAt, $"{change} before {side}"));
                // What is still pending is a raise or removal of the cap in force, never a change to the same cap.
                Assert.True(AtMost(merged.CapOf(change.Window), change.Amount) && change.Amount != merged.CapOf(change.Window), change.ToString());
            }
            Assert.Equal(merged.Pending.Select(change => change.Window).Distinct().Order(), merged.Pending.Select(change => change.Window));
        }, iter: 2_000);
    }

    [Fact]
    public void The_order_of_the_two_sides_does_not_matter()
    {
        Gen.Select(GenLimits, GenLimits).Sample(
            (survivor, other) => Assert.Equal(MergeRules.Limits(survivor, other), MergeRules.Limits(other, survivor)), iter: 2_000);
    }

    [Fact]
    public void Merging_with_a_customer_without_caps_or_exclusion_changes_nothing_and_neither_does_merging_with_the_same_limits()
    {
        GenLimits.Sample(limits =>
        {
            Assert.Equal(limits, MergeRules.Limits(limits, SpendingLimits.None));
            Assert.Equal(limits, MergeRules.Limits(SpendingLimits.None, limits));
            Assert.Equal(limits, MergeRules.Limits(limits, limits));
        }, iter: 2_000);
    }

    [Fact]
    public void The_merged_self_exclusion_ends_at_the_later_of_both_and_never_sooner()
    {
        Gen.Select(GenLimits, GenLimits).Sample((survivor, other) =>
        {
            var until = MergeRules.Limits(survivor, other).ExcludedUntil;
            Assert.Equal(new[] { survivor.ExcludedUntil, other.ExcludedUntil }.Max(), until);
        }, iter: 1_000);
    }

    /// <summary>Whether <paramref name="cap"/> is at most <paramref name="other"/>, no cap being the loosest.</summary>
    private static bool AtMost(long? cap, long? other) => other is null || cap <= other;

    // ---- consent ----

    private static ConsentState Consents(params (ConsentPurpose Purpose, bool Granted)[] decisions) =>
        decisions.Aggregate(ConsentState.None, (state, decision) =>
            state.With(new ConsentDecision(decision.Purpose, decision.Granted, "v1", Now, "web", null)));

    [Fact]
    public void A_purpose_the_survivor_grants_is_withdrawn_when_the_other_side_denied_it_or_never_granted_it()
    {
        var survivor = Consents((ConsentPurpose.Marketing, true), (ConsentPurpose.Analytics, true), (ConsentPurpose.Location, true));
        var other = Consents((ConsentPurpose.Marketing, true), (ConsentPurpose.Analytics, false));

        var withdrawn = MergeRules.Withdrawn(survivor, other);

        Assert.Equal([ConsentPurpose.Location, ConsentPurpose.Analytics], withdrawn.Select(decision => decision.Purpose).Order());
        Assert.All(withdrawn, decision => Assert.Equal(survivor.LatestFor(decision.Purpose), decision));
    }

    [Fact]
    public void A_purpose_only_the_merged_customer_granted_is_not_granted_by_the_merge()
    {
        var survivor = Consents((ConsentPurpose.Personalization, false));
        var other = Consents((ConsentPurpose.Personalization, true), (ConsentPurpose.Marketing, true));

        Assert.Empty(MergeRules.Withdrawn(survivor, other));
    }

    private static readonly Gen<ConsentState> GenConsents =
        Gen.Int[0, 2].Array[ConsentPurposes.All.Length].Select(choices => Consents(
            [.. ConsentPurposes.All.Zip(choices).Where(pair => pair.Second > 0).Select(pair => (pair.First, pair.Second == 2))]));

    [Fact]
    public void After_the_withdrawals_the_survivor_grants_exactly_what_both_sides_granted()
    {
        Gen.Select(GenConsents, GenConsents).Sample((survivor, other) =>
        {
            var after = MergeRules.Withdrawn(survivor, other).Aggregate(survivor, (state, decision) => state.With(decision with { Granted = false }));
            foreach (var purpose in ConsentPurposes.All)
            {
                Assert.Equal(Grants(survivor, purpose) && Grants(other, purpose), Grants(after, purpose));
            }
        });
    }

    private static bool Grants(ConsentState consents, ConsentPurpose purpose) => consents.LatestFor(purpose) is { Granted: true };

    // ---- spend ----

    private static readonly DateOnly Monday = new(2026, 6, 1);

    [Fact]
    public void Spend_of_the_same_day_adds_up_and_other_days_are_kept()
    {
        var survivor = ImmutableSortedDictionary.CreateRange(new Dictionary<DateOnly, long> { [Monday] = 1_000, [Monday.AddDays(1)] = 250 });
        var other = new Dictionary<DateOnly, long> { [Monday.AddDays(1)] = 750, [Monday.AddDays(2)] = 40 };

        var sum = MergeRules.AddSpend(survivor, other);

        Assert.Equal(new Dictionary<DateOnly, long> { [Monday] = 1_000, [Monday.AddDays(1)] = 1_000, [Monday.AddDays(2)] = 40 }, sum);
    }

    [Fact]
    public void Spend_that_would_not_fit_in_a_long_is_a_fault_not_a_wrap()
    {
        var survivor = ImmutableSortedDictionary.CreateRange(new Dictionary<DateOnly, long> { [Monday] = long.MaxValue - 10 });

        Assert.Throws<OverflowException>(() => MergeRules.AddSpend(survivor, new Dictionary<DateOnly, long> { [Monday] = 11 }));
        Assert.Equal(long.MaxValue, MergeRules.AddSpend(survivor, new Dictionary<DateOnly, long> { [Monday] = 10 })[Monday]);
    }

    private static readonly Gen<Dictionary<DateOnly, long>> GenSpend =
        Gen.Dictionary(Gen.Int[0, 60].Select(Monday.AddDays), Gen.Long[1, Amounts.Max])[0, 30];

    [Fact]
    public void Spend_after_the_merge_is_the_sum_of_both_sides_per_day()
    {
        Gen.Select(GenSpend, GenSpend).Sample((survivor, other) =>
        {
            var sum = MergeRules.AddSpend(ImmutableSortedDictionary.CreateRange(survivor), other);

            Assert.Equal(survivor.Keys.Union(other.Keys).Order(), sum.Keys);
            foreach (var (day, amount) in sum)
            {
                Assert.Equal(survivor.GetValueOrDefault(day) + other.GetValueOrDefault(day), amount);
            }
        });
    }

    // ---- cart ----

    private static CartLine Line(string sku, int quantity, long unitPrice = 1_000, string currency = "EUR") =>
        new(sku, "Item " + sku, unitPrice, currency, quantity, CatalogVersion: 1);

    private static Cart CartOf(params CartLine[] lines) => lines.Aggregate(Cart.Empty, (cart, line) => CartRules.Set(cart, line, Now));

    /// <summary>The survivor's cart once the lines the merge sets (<see cref="MergeRules.CartLines"/>) are set on it.</summary>
    private static Cart Merged(Cart survivor, IEnumerable<CartLine> set) =>
        set.Aggregate(survivor, (cart, line) => CartRules.Set(cart, line, Now));

    [Fact]
    public void A_sku_in_both_carts_gets_both_quantities_at_the_survivors_price()
    {
        var set = MergeRules.CartLines(CartOf(Line("mug", 2, unitPrice: 900)), [Line("mug", 3, unitPrice: 1_200), Line("beans", 1)]);

        Assert.Equal([Line("mug", 5, unitPrice: 900), Line("beans", 1)], set);
    }

    [Fact]
    public void Combined_quantities_stop_at_the_most_a_line_holds_and_a_full_line_sets_nothing()
    {
        Assert.Equal([Line("mug", 999)], MergeRules.CartLines(CartOf(Line("mug", 990)), [Line("mug", 20)]));
        Assert.Empty(MergeRules.CartLines(CartOf(Line("mug", 999)), [Line("mug", 1)]));
    }

    [Fact]
    public void Lines_in_another_currency_than_the_survivors_cart_stay_behind()
    {
        var set = MergeRules.CartLines(CartOf(Line("mug", 1)), [Line("mug", 1, currency: "USD"), Line("tea", 1, currency: "USD"), Line("beans", 2)]);

        Assert.Equal([Line("beans", 2)], set);
    }

    [Fact]
    public void An_empty_survivor_cart_takes_the_first_lines_currency_and_leaves_the_others()
    {
        var set = MergeRules.CartLines(Cart.Empty, [Line("tea", 1, currency: "GBP"), Line("mug", 1), Line("beans", 1, currency: "GBP")]);

        Assert.Equal([Line("tea", 1, currency: "GBP"), Line("beans", 1, currency: "GBP")], set);
    }

    [Fact]
    public void A_full_cart_takes_no_new_sku_but_still_adds_to_its_own_lines()
    {
        var full = CartOf([.. Enumerable.Range(0, CartRules.MaxLines).Select(index => Line($"sku-{index}", 1))]);

        var set = MergeRules.CartLines(full, [Line("new", 1), Line("sku-7", 4)]);

        Assert.Equal([Line("sku-7", 5)], set);
    }

    [Fact]
    public void A_line_that_would_take_the_cart_over_the_largest_amount_stays_behind_and_later_lines_still_come()
    {
        var survivor = CartOf(Line("car", 1, unitPrice: Amounts.Max - 5_000));

        var set = MergeRules.CartLines(survivor, [Line("car", 1, unitPrice: 1), Line("yacht", 1, unitPrice: 10_000), Line("mug", 5, unitPrice: 1_000)]);

        Assert.Equal([Line("mug", 5)], set);
        Assert.Equal(Amounts.Max, Merged(survivor, set).Total);
    }

    private static readonly Gen<long> GenPrice = Gen.Frequency(
        (6, Gen.Long[1, 10_000]),
        (1, Gen.Long[Amounts.Max / 400, Amounts.Max / 20]));

    private static readonly Gen<string> GenCurrency = Gen.Frequency((5, Gen.Const("EUR")), (1, Gen.Const("USD")));

    // A cart as the cart rules leave it: one currency, distinct SKUs, at most MaxLines, within the largest amount.
    private static readonly Gen<Cart> GenCart = Gen.Select(
        GenCurrency,
        Gen.Select(Gen.Int[0, 140], Gen.Int[1, CartRules.MaxQuantity], GenPrice, (sku, quantity, price) => (Sku: $"sku-{sku}", quantity, price))
            .Array[0, 120],
        Gen.Int[1, 4],
        (currency, lines, manyOf) =>
        {
            var cart = Cart.Empty;
            foreach (var (sku, quantity, price) in lines.DistinctBy(line => line.Sku).Take(CartRules.MaxLines))
            {
                // Mostly small quantities, so that combined lines land both under and at the most a line holds.
                var next = CartRules.Set(cart, Line(sku, manyOf == 1 ? quantity : 1 + quantity % 10, price, currency), Now);
                if (CartRules.FitsInAmount(next.Lines))
                {
                    cart = next;
                }
            }
            return cart;
        });

    [Fact]
    public void The_merged_cart_stays_within_the_carts_limits_in_one_currency_and_keeps_every_survivor_line()
    {
        Gen.Select(GenCart, GenCart).Sample((survivor, other) =>
        {
            var set = MergeRules.CartLines(survivor, other.Lines);
            var merged = Merged(survivor, set);

            Assert.True(merged.Lines.Count <= CartRules.MaxLines);
            Assert.All(merged.Lines, line => Assert.InRange(line.Quantity, 1, CartRules.MaxQuantity));
            Assert.True(CartRules.FitsInAmount(merged.Lines));
            Assert.True(merged.Lines.Select(line => line.Currency).Distinct().Count() <= 1);
            Assert.Equal(merged.Lines.Count, merged.Lines.Select(line => line.Sku).Distinct().Count());
            Assert.Equal(set.Count, set.Select(line => line.Sku).Distinct().Count());
            foreach (var kept in survivor.Lines)
            {
                var line = Assert.Single(merged.Lines, line => line.Sku == kept.Sku);
                Assert.Equal(kept with { Quantity = line.Quantity }, line);
                Assert.True(line.Quantity >= kept.Quantity);
            }
            Assert.All(set, line => Assert.Contains(other.Lines, mergedLine => mergedLine.Sku == line.Sku));
        }, iter: 500);
    }

    [Fact]
    public void A_merged_line_stays_behind_only_for_its_currency_a_full_cart_or_the_largest_amount()
    {
        Gen.Select(GenCart, GenCart).Sample((survivor, other) =>
        {
            var merged = Merged(survivor, MergeRules.CartLines(survivor, other.Lines));
            foreach (var line in other.Lines.Where(line => line.Currency == merged.Currency))
            {
                var index = merged.Lines.FindIndex(existing => existing.Sku == line.Sku);
                var before = survivor.Lines.Find(existing => existing.Sku == line.Sku);
                if (before is not null)
                {
                    // Same SKU: the quantities added up, or left as they were when the sum would not fit the amount.
                    var combined = Math.Min(CartRules.MaxQuantity, before.Quantity + line.Quantity);
                    var actual = merged.Lines[index].Quantity;
                    Assert.True(actual == combined
                        || actual == before.Quantity && !CartRules.FitsInAmount(merged.Lines.SetItem(index, before with { Quantity = combined })),
                        $"{line.Sku}: {before.Quantity} + {line.Quantity} came to {actual}");
                }
                else if (index < 0)
                {
                    Assert.True(merged.Lines.Count >= CartRules.MaxLines || !CartRules.FitsInAmount(merged.Lines.Add(line)), $"{line.Sku} left behind");
                }
                else
                {
                    Assert.Equal(line, merged.Lines[index]);
                }
            }
        }, iter: 500);
    }

    // ---- saved methods ----

    private static PaymentMethod Method(string id, string token) =>
        new(id, token, "visa", "4242", 12, 2030, "DE", Now, null);

    private static Wallet WalletOf(params PaymentMethod[] methods) =>
        methods.Aggregate(Wallet.Empty, (wallet, method) => WalletRules.With(wallet, method, preferred: false));

    [Fact]
    public void A_method_with_a_token_the_survivor_saved_is_not_added_twice()
    {
        var methods = MergeRules.Methods(WalletOf(Method("pm_a", "tok_visa")), [Method("pm_b", "tok_visa"), Method("pm_c", "tok_amex")]);

        Assert.Equal([Method("pm_c", "tok_amex")], methods);
    }

    [Fact]
    public void A_method_whose_id_the_survivor_already_uses_is_not_added()
    {
        var methods = MergeRules.Methods(WalletOf(Method("pm_a", "tok_visa")), [Method("pm_a", "tok_amex"), Method("pm_b", "tok_mc")]);

        Assert.Equal([Method("pm_b", "tok_mc")], methods);
    }

    [Fact]
    public void Methods_are_added_in_their_order_while_the_wallet_has_room_and_not_at_all_to_a_full_one()
    {
        var eighteen = WalletOf([.. Enumerable.Range(0, Wallet.MaxMethods - 2).Select(index => Method($"pm_{index}", $"tok_{index}"))]);
        var offered = new[] { Method("pm_x", "tok_x"), Method("pm_y", "tok_y"), Method("pm_z", "tok_z") };

        Assert.Equal(offered[..2], MergeRules.Methods(eighteen, offered));
        Assert.Empty(MergeRules.Methods(WalletRules.With(WalletRules.With(eighteen, offered[0], false), offered[1], false), [offered[2]]));
    }

    // Wallets as customers keep them: distinct tokens and ids, at most MaxMethods. Ids and tokens come from small pools
    // so the two sides share some.
    private static readonly Gen<Wallet> GenWallet =
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 30], (id, token) => Method($"pm_{id}", $"tok_{token}")).Array[0, 30].Select(methods =>
            WalletOf([.. methods.DistinctBy(method => method.Id).DistinctBy(method => method.Token).Take(Wallet.MaxMethods)]));

    [Fact]
    public void The_merged_wallet_never_exceeds_its_room_never_repeats_a_token_or_id_and_is_as_full_as_it_may_be()
    {
        Gen.Select(GenWallet, GenWallet).Sample((survivor, other) =>
        {
            var added = MergeRules.Methods(survivor, other.Methods);
            var merged = added.Aggregate(survivor, (wallet, method) => WalletRules.With(wallet, method, preferred: false));

            Assert.True(merged.Methods.Count <= Wallet.MaxMethods);
            Assert.Equal(merged.Methods.Count, merged.Methods.Select(method => method.Token).Distinct().Count());
            Assert.Equal(merged.Methods.Count, merged.Methods.Select(method => method.Id).Distinct().Count());
            Assert.Equal(survivor.Methods, merged.Methods.Take(survivor.Methods.Count));
            Assert.All(added, method => Assert.Contains(method, other.Methods));
            var fresh = other.Methods.Count(method =>
                !survivor.Methods.Exists(saved => saved.Token == method.Token || saved.Id == method.Id));
            Assert.Equal(Math.Min(fresh, Wallet.MaxMethods - survivor.Methods.Count), added.Count);
        });
    }
}
