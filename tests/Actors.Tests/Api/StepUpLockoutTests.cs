using System.Net;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class StepUpLockoutTests(ApiFixture fixture)
{
    [Fact]
    public async Task Five_wrong_codes_across_payments_lock_code_entry_with_a_clear_problem_and_the_payment_keeps_waiting()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var stepUp = await shopper.SaveMethod("tok_stepUpRequired");
        await shopper.SetLimits(daily: 100_000);

        // Three wrong codes decline the first payment; a new checkout brings new tries.
        var first = await shopper.Checkout(1_500);
        await Json(await shopper.Confirm(first, stepUp), HttpStatusCode.OK);
        foreach (var code in new[] { "000001", "000002", "000003" })
        {
            await Json(await shopper.Confirm(first, stepUp, stepUpCode: code), HttpStatusCode.OK);
        }
        var second = await shopper.Checkout(1_500);
        await Json(await shopper.Confirm(second, stepUp), HttpStatusCode.OK);
        await Json(await shopper.Confirm(second, stepUp, stepUpCode: "000004"), HttpStatusCode.OK);
        await Json(await shopper.Confirm(second, stepUp, stepUpCode: "000005"), HttpStatusCode.OK);

        var locked = await shopper.Confirm(second, stepUp, stepUpCode: "123456");

        var problem = await Problem(locked, HttpStatusCode.TooManyRequests, "/errors/step-up-locked");
        Assert.True(problem.GetProperty("until").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.NotNull(locked.Headers.RetryAfter?.Date);
        var checkout = await shopper.Read($"/checkouts/{second}");
        Assert.Equal("requires_action", checkout.GetProperty("status").GetString());
    }
}
