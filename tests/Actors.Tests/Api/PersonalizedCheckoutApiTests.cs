using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class PersonalizedCheckoutApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_summary_without_consent_says_nothing_personal_shaped_it_and_why_each_part_is_as_it_is()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        await shopper.SaveMethod("tok_visa");

        var checkout = await Json(await shopper.Post("/checkouts", await shopper.LinesOf(2_500), Shopper.NewKey()), HttpStatusCode.Created);

        var personalization = checkout.GetProperty("personalization");
        Assert.Equal(0, personalization.GetProperty("personalizedBy").GetArrayLength());
        var reasons = personalization.GetProperty("reasons").EnumerateArray()
            .Select(reason => (reason.GetProperty("choice").GetString(), reason.GetProperty("text").GetString())).ToList();
        Assert.Contains(("payment_methods", "Cards are listed with your preferred card first, then the most recently saved: personalization is off."), reasons);
        Assert.Contains(("loyalty_points", "You have 0 points; this purchase earns 25."), reasons);
        Assert.Equal(2_500, checkout.GetProperty("subtotal").GetInt64());
        Assert.Equal(0, checkout.GetProperty("risk").GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Points_earned_by_a_payment_pay_part_of_the_next_and_a_refused_redemption_stores_nothing()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        await shopper.Pay(visa, 4_000);

        var tooMany = await shopper.Post("/checkouts", (await shopper.LinesOf(3_000)).TrimEnd('}') + ",\"redeemPoints\":41}", Shopper.NewKey());
        var problem = await Problem(tooMany, HttpStatusCode.BadRequest, "/errors/validation");
        Assert.Equal("must be between 1 and 40: you have 40 points and at most 50% of a purchase can be paid with them",
            problem.GetProperty("errors").GetProperty("redeemPoints")[0].GetString());

        var created = await Json(await shopper.Post("/checkouts", (await shopper.LinesOf(3_000)).TrimEnd('}') + ",\"redeemPoints\":40}", Shopper.NewKey()), HttpStatusCode.Created);
        Assert.Equal(2_960, created.GetProperty("total").GetInt64());
        Assert.Equal(40, created.GetProperty("personalization").GetProperty("points").GetProperty("redeemed").GetInt64());

        var paid = await Json(await shopper.Confirm(created.GetProperty("id").GetString()!, visa), HttpStatusCode.OK);
        Assert.Equal(2_960, paid.GetProperty("amount").GetInt64());
        var next = await Json(await shopper.Post("/checkouts", await shopper.LinesOf(1_000), Shopper.NewKey()), HttpStatusCode.Created);
        // 40 earned, 40 spent, 29 earned by the 29.60 EUR just paid.
        Assert.Equal(29, next.GetProperty("personalization").GetProperty("points").GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task The_points_balance_counts_what_settled_payments_earned_and_leaves_out_points_a_checkout_holds()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        Assert.Equal(0, (await shopper.Read("/points")).GetProperty("balance").GetInt64());

        await shopper.Pay(visa, 4_000);
        Assert.Equal(40, (await shopper.Read("/points")).GetProperty("balance").GetInt64());

        // A checkout that redeems points holds nothing until it is confirmed; a declined card gives them back.
        var declined = await shopper.SaveMethod("tok_chargeDeclined");
        var created = await Json(await shopper.Post("/checkouts", (await shopper.LinesOf(3_000)).TrimEnd('}') + ",\"redeemPoints\":15}", Shopper.NewKey()), HttpStatusCode.Created);
        Assert.Equal(40, (await shopper.Read("/points")).GetProperty("balance").GetInt64());
        await Json(await shopper.Confirm(created.GetProperty("id").GetString()!, declined), HttpStatusCode.OK);
        Assert.Equal(40, (await shopper.Read("/points")).GetProperty("balance").GetInt64());
        await Json(await shopper.Confirm(created.GetProperty("id").GetString()!, visa), HttpStatusCode.OK);
        // 40 - 15 redeemed + 29 earned by the 29.85 EUR paid.
        Assert.Equal(54, (await shopper.Read("/points")).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Withdrawing_personalization_turns_it_off_in_the_very_next_checkout()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: false);
        var mastercard = await shopper.SaveMethod("tok_mastercard", brand: "mastercard", last4: "4444");
        await shopper.Pay(visa, 1_000);
        await shopper.Pay(visa, 1_200);
        await Consent(shopper, granted: true);

        var personal = await Json(await shopper.Post("/checkouts", await shopper.LinesOf(1_500), Shopper.NewKey()), HttpStatusCode.Created);
        await Consent(shopper, granted: false);
        var neutral = await Json(await shopper.Post("/checkouts", await shopper.LinesOf(1_500), Shopper.NewKey()), HttpStatusCode.Created);

        // The first card saved is the preferred one; Visa was paid with twice, Mastercard never.
        Assert.Equal(["personalization"], personal.GetProperty("personalization").GetProperty("personalizedBy").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(personal.GetProperty("personalization").GetProperty("reasons").EnumerateArray(), reason =>
            reason.GetProperty("purpose").GetString() == "personalization"
            && reason.GetProperty("text").GetString() == "Visa ending 4242 is offered early because you paid with it twice in the last 180 days, most recently today.");
        Assert.Equal(0, neutral.GetProperty("personalization").GetProperty("personalizedBy").GetArrayLength());
        Assert.All(neutral.GetProperty("personalization").GetProperty("reasons").EnumerateArray(),
            reason => Assert.Equal(JsonValueKind.Null, reason.GetProperty("purpose").ValueKind));
        Assert.Equal([visa, mastercard], neutral.GetProperty("paymentMethods").EnumerateArray().Select(method => method.GetProperty("id").GetString()));
    }

    private static async Task Consent(Shopper shopper, bool granted) =>
        await Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/consents/personalization", new { granted, policyVersion = "2026-01" }), HttpStatusCode.OK);
}
