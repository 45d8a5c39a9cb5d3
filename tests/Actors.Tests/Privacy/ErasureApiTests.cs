using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Privacy;

/// <summary>Erasure through the API on the shared cluster: who may erase whom, what blocks it, and the exclusion that survives it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErasureApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_self_excluded_customer_who_is_erased_and_registers_again_with_the_same_email_is_still_self_excluded()
    {
        var operatorClient = await fixture.ClientAs("operator");
        var profile = SampleProfiles.Ada();
        var id = await ApiCustomers.Create(operatorClient, profile);
        var customer = await fixture.ClientAs("customer", id);
        var until = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).AddDays(14);
        await Json(await customer.SendAsync(Requests.Json(HttpMethod.Post, $"/v1/customers/{id}/self-exclusion",
            JsonSerializer.Serialize(new { until }))), HttpStatusCode.OK);

        await StepUps.Prove(customer, id);
        Assert.Equal(HttpStatusCode.NoContent, (await customer.DeleteAsync($"/v1/customers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await customer.DeleteAsync($"/v1/customers/{id}")).StatusCode);

        // Only the keyed hashes are kept: neither the email nor the phone is in the table.
        Assert.Equal(0, await fixture.Stored.Scalar("SELECT count(*) FROM exclusions WHERE identifier_key LIKE '%' || @email || '%'", ("email", profile.Email!)));
        var again = await ApiCustomers.Create(operatorClient, profile with { DisplayName = "Ada Again", Phone = null });
        var limits = await Json(await operatorClient.GetAsync($"/v1/customers/{again}/limits"), HttpStatusCode.OK);
        Assert.Equal(until, limits.GetProperty("selfExcludedUntil").GetDateTimeOffset());

        // The phone alone brings the exclusion too, when a customer without it adds it later.
        var other = await ApiCustomers.Create(operatorClient, SampleProfiles.Grace());
        var otherClient = await fixture.ClientAs("customer", other);
        await StepUps.Prove(otherClient, other);
        var read = await otherClient.GetAsync($"/v1/customers/{other}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/customers/{other}")
        {
            Content = JsonContent.Create(new { phone = profile.Phone }),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.Tag);
        await Json(await otherClient.SendAsync(patch), HttpStatusCode.OK);
        var otherLimits = await Json(await otherClient.GetAsync($"/v1/customers/{other}/limits"), HttpStatusCode.OK);
        Assert.Equal(until, otherLimits.GetProperty("selfExcludedUntil").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_customer_erases_only_themselves_after_a_fresh_step_up_and_support_erases_nobody()
    {
        var operatorClient = await fixture.ClientAs("operator");
        var id = await ApiCustomers.Create(operatorClient);
        var other = await ApiCustomers.Create(operatorClient);

        await Problem(await (await fixture.ClientAs("customer", other)).DeleteAsync($"/v1/customers/{id}"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await (await fixture.ClientAs("support")).DeleteAsync($"/v1/customers/{id}"), HttpStatusCode.Forbidden, "/errors/forbidden");
        await Json(await operatorClient.GetAsync($"/v1/customers/{id}"), HttpStatusCode.OK);

        // Their own erasure is the most sensitive change a customer makes: without a fresh step-up nothing happens.
        var customer = await fixture.ClientAs("customer", id);
        await Problem(await customer.DeleteAsync($"/v1/customers/{id}"), HttpStatusCode.Forbidden, "/errors/step-up-required");
        await Json(await operatorClient.GetAsync($"/v1/customers/{id}"), HttpStatusCode.OK);
        await StepUps.Prove(customer, id);
        Assert.Equal(HttpStatusCode.NoContent, (await customer.DeleteAsync($"/v1/customers/{id}")).StatusCode);
        await Problem(await operatorClient.GetAsync($"/v1/customers/{id}"), HttpStatusCode.Gone, "/errors/customer-erased");
        await Json(await operatorClient.GetAsync($"/v1/customers/{other}"), HttpStatusCode.OK);
        await Problem(await operatorClient.DeleteAsync("/v1/customers/cus_0123456789abcdefghjk"), HttpStatusCode.NotFound, "/errors/customer-not-found");
    }

    [Fact]
    public async Task A_payment_waiting_for_step_up_blocks_the_erasure_and_nothing_changes()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var method = await shopper.SaveMethod("tok_stepUpRequired");
        var confirmed = await Json(await shopper.Confirm(await shopper.Checkout(1_500), method), HttpStatusCode.OK);
        Assert.Equal("requires_action", confirmed.GetProperty("status").GetString());
        var before = await shopper.Read("");

        var blocked = await Problem(await shopper.Merchant.DeleteAsync(shopper.Base), HttpStatusCode.Conflict, "/errors/erasure-blocked");

        Assert.Equal("payment-open", blocked.GetProperty("reason").GetString());
        Assert.Equal(before.GetRawText(), (await shopper.Read("")).GetRawText());
        Assert.Equal(1, await fixture.Stored.Scalar("SELECT count(*) FROM customer_keys WHERE customer_id = @id", ("id", shopper.Id)));
        Assert.Equal(0, await fixture.Stored.Scalar("SELECT count(*) FROM customer_events WHERE customer_id = @id AND event_type = 'erasure-started-v1'",
            ("id", shopper.Id)));
    }
}
