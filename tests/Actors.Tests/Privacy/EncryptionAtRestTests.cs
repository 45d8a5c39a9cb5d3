using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Grains.Identity;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Privacy;

/// <summary>
/// A customer driven through the API with values found nowhere else, then every text, bytea and JSON column of every
/// table read straight from PostgreSQL: none holds any of them. The same customer reads back after a silo restart.
/// </summary>
public sealed class EncryptionAtRestTests
{
    [Fact]
    public async Task No_table_holds_a_customers_personal_data_in_the_clear_and_it_all_reads_back_after_a_restart()
    {
        // Snapshots come often, so the restart loads a snapshot and the events after it.
        await using var stack = await OwnStack.Start("pii", new Dictionary<string, string?> { ["Journal:SnapshotEvery"] = "4" });
        var connectionString = stack.ConnectionString;

        var unique = Guid.NewGuid().ToString("N")[..10];
        var name = $"Zanzibar Quoxworth {unique}";
        var email = $"quoxworth.{unique}@example.org";
        var phone = $"+4477{Random.Shared.Next(100_000, 999_999)}58";
        var label = $"Quoxworth kitchen tablet {unique}";
        var description = $"Birthday gift for Quoxworth {unique}";
        var card = IdentityRules.LoyaltyCardWithCheckDigit("7" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString());

        var operatorClient = await stack.ClientAs("operator");
        var created = await Json(await operatorClient.PostAsJsonAsync("/v1/customers",
            new { displayName = name, email, phone, homeCurrency = "EUR", timeZone = "Europe/Berlin" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var customer = await stack.ClientAs("customer", id);
        customer.DefaultRequestHeaders.Add("X-Device-Label", label);
        var shopper = new Shopper(customer, id, operatorClient);

        await Json(await customer.PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        await Json(await customer.SendAsync(Requests.Json(HttpMethod.Put, $"/v1/customers/{id}/consents/marketing",
            JsonSerializer.Serialize(new { granted = true, policyVersion = "2026-01" }))), HttpStatusCode.OK);
        Assert.True((await shopper.AddToCart("sku-pii-cart", 1_200, 0)).IsSuccessStatusCode);
        await shopper.StepUp();
        var method = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(method, await shopper.CheckoutBody("EUR", description, ("sku-pii", "Gift box", 2_500, 1)));

        var needles = new[] { name, email, phone, phone[1..], label, description, card, unique };
        Assert.Empty(await PlaintextScan.Findings(connectionString, needles));

        // A restart: the new silo has nothing in memory and loads the customer from its sealed snapshot and events.
        await stack.RestartSilo();
        var profile = await Eventually.Get(async () => await customer.GetAsync($"/v1/customers/{id}"), response => response.IsSuccessStatusCode,
            TimeSpan.FromSeconds(60));
        var body = await Json(profile, HttpStatusCode.OK);
        Assert.Equal((name, email, phone), (body.GetProperty("displayName").GetString(), body.GetProperty("email").GetString(), body.GetProperty("phone").GetString()));

        var sessions = await Json(await customer.GetAsync($"/v1/customers/{id}/sessions"), HttpStatusCode.OK);
        Assert.Contains(label, sessions.EnumerateArray().Select(session => session.GetProperty("deviceLabel").GetString()));
        var byEmail = await Json(await operatorClient.GetAsync($"/v1/identities/email/{Uri.EscapeDataString(email)}"), HttpStatusCode.OK);
        Assert.Equal(id, byEmail.GetProperty("customerId").GetString());
        var byCard = await Json(await operatorClient.GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.OK);
        Assert.Equal(id, byCard.GetProperty("customerId").GetString());
        var consents = await Json(await customer.GetAsync($"/v1/customers/{id}/consents"), HttpStatusCode.OK);
        Assert.Contains(consents.GetProperty("consents").EnumerateArray(),
            consent => consent.GetProperty("purpose").GetString() == "marketing" && consent.GetProperty("granted").GetBoolean());

        var found = await Json(await customer.GetAsync($"/v1/customers/{id}/payments?q={Uri.EscapeDataString("birthday GIFT")}"), HttpStatusCode.OK);
        Assert.Equal([paymentId], found.GetProperty("data").EnumerateArray().Select(payment => payment.GetProperty("id").GetString()));
        var missed = await Json(await customer.GetAsync($"/v1/customers/{id}/payments?q=anniversary"), HttpStatusCode.OK);
        Assert.Empty(missed.GetProperty("data").EnumerateArray());
        var receipt = await Json(await customer.GetAsync($"/v1/customers/{id}/payments/{paymentId}/receipt"), HttpStatusCode.OK);
        Assert.Equal(description, receipt.GetProperty("payment").GetProperty("description").GetString());
        var csv = await customer.GetStringAsync($"/v1/customers/{id}/payments.csv");
        Assert.Contains(description, csv, StringComparison.Ordinal);

        // Still nothing in the clear after the restart wrote its snapshots and sightings.
        Assert.Empty(await PlaintextScan.Findings(connectionString, needles));
    }
}
