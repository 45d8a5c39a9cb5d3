using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Grains.Customers;
using Actors.Grains.Erasure;
using Actors.Grains.Privacy;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Privacy;

/// <summary>
/// Erasure end to end, each test on a database of its own: what is destroyed, what survives for accounting, what the
/// API and live devices see, and that a silo restart or a crash half-way changes none of it.
/// </summary>
public sealed class ErasureTests
{
    [Fact]
    public async Task An_erased_customer_is_gone_everywhere_but_the_ledger_totals_and_stays_gone_after_a_restart()
    {
        await using var stack = await OwnStack.Start("erase", new Dictionary<string, string?> { ["Journal:SnapshotEvery"] = "4" });
        var (connectionString, api, stored) = (stack.ConnectionString, stack.Api, stack.Stored);
        var unique = Guid.NewGuid().ToString("N")[..10];
        var name = $"Ottoline Vexbridge {unique}";
        var email = $"vexbridge.{unique}@example.org";
        var phone = $"+4477{Random.Shared.Next(100_000, 999_999)}61";
        var label = $"Vexbridge hallway tablet {unique}";
        var description = $"Anniversary present for Vexbridge {unique}";
        var card = Shopper.NewLoyaltyCard();

        var operatorClient = await ApiFixture.ClientAs(api, "operator");
        var created = await Json(await operatorClient.PostAsJsonAsync("/v1/customers",
            new { displayName = name, email, phone, homeCurrency = "EUR", timeZone = "Europe/Berlin" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var customer = await ApiFixture.ClientAs(api, "customer", id);
        customer.DefaultRequestHeaders.Add("X-Device-Label", label);
        var shopper = new Shopper(customer, id, operatorClient);
        await shopper.StepUp();
        await Json(await customer.PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        var method = await shopper.SaveMethod("tok_visa");
        var kept = await shopper.Pay(method, await shopper.CheckoutBody("EUR", description, ("sku-erase-a", "Vase", 2_500, 1)));
        var refunded = await shopper.Pay(method, await shopper.CheckoutBody("EUR", null, ("sku-erase-b", "Scarf", 1_800, 1)));
        Assert.True((await shopper.As(operatorClient).Refund(refunded, """{"amount":1800}""")).IsSuccessStatusCode);

        var phoneDevice = await LiveDevice.Watching(customer);
        var laptopDevice = await LiveDevice.Watching(await ApiFixture.ClientAs(api, "customer", id));

        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"/v1/customers/{id}")).StatusCode);

        // Every live connection heard the erasure, then the server closed it.
        foreach (var device in new[] { phoneDevice, laptopDevice })
        {
            Assert.Equal(id, (await device.WaitFor("CustomerErased")).Payload.GetProperty("customerId").GetString());
            await device.Closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }

        // A device that connects now is refused, saying why.
        await using (var late = await LiveDevice.Connect(customer))
        {
            Assert.Contains("erased", (await late.Closed.Task.WaitAsync(TimeSpan.FromSeconds(20)))?.Message);
            Assert.Empty(late.Messages);
        }

        // The key is gone, a tombstone stands, and nothing can make a key again.
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM customer_keys WHERE customer_id = @id", ("id", id)));
        Assert.Equal(1, await stored.Scalar("SELECT count(*) FROM erased_customers WHERE customer_id = @id", ("id", id)));
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM customer_snapshots WHERE customer_id = @id", ("id", id)));
        var keys = api.Services.GetRequiredService<CustomerKeys>();
        Assert.Null(await keys.Find(id, CancellationToken.None));
        await Assert.ThrowsAsync<CustomerErasedException>(async () => await keys.ForWriting(id, CancellationToken.None));

        // The API answers 410 for everything of the customer, reads included.
        await AssertGone(customer, operatorClient, id, kept);

        // The ledger still adds up, straight from SQL, with nothing in it that names the card.
        Assert.Equal(4_300, await stored.Scalar(
            "SELECT sum(amount)::bigint FROM customer_events WHERE customer_id = @id AND ledger_kind = 'authorized' AND currency = 'EUR'", ("id", id)));
        Assert.Equal(1_800, await stored.Scalar(
            "SELECT sum(amount)::bigint FROM customer_events WHERE customer_id = @id AND ledger_kind = 'refunded' AND currency = 'EUR'", ("id", id)));
        Assert.Equal(2, await stored.Scalar(
            "SELECT count(*) FROM customer_events WHERE customer_id = @id AND ledger_kind = 'succeeded'", ("id", id)));
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM customer_events WHERE customer_id = @id AND method_last4 IS NOT NULL", ("id", id)));

        // No reminder row and no identity grain state names the customer any more.
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || @id || '%'", ("id", id)));
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM orleansstorage WHERE position(convert_to(@id, 'UTF8') IN payloadbinary) > 0", ("id", id)));

        // Email, phone and card are free: a new customer takes them all.
        var successor = await Json(await operatorClient.PostAsJsonAsync("/v1/customers",
            new { displayName = "Someone Else", email, phone, homeCurrency = "EUR", timeZone = "Europe/Berlin" }), HttpStatusCode.Created);
        var successorId = successor.GetProperty("id").GetString()!;
        await Json(await operatorClient.PostAsJsonAsync($"/v1/customers/{successorId}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        var byCard = await Json(await operatorClient.GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.OK);
        Assert.Equal(successorId, byCard.GetProperty("customerId").GetString());

        Assert.Empty(await PlaintextScan.Findings(connectionString, [name, email, phone, phone[1..], label, description, card, unique]));

        // A restart loads the tombstone and nothing else: the customer stays gone, and DELETE answers the same.
        await stack.RestartSilo();
        await Eventually.Get(async () => (await customer.GetAsync($"/v1/customers/{id}")).StatusCode,
            status => status != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));
        await AssertGone(customer, operatorClient, id, kept);
        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"/v1/customers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await customer.DeleteAsync($"/v1/customers/{id}")).StatusCode);
        Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM customer_keys WHERE customer_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_silo_killed_half_way_through_an_erasure_leaves_the_reminder_to_finish_it()
    {
        var connectionString = await TestPostgres.Instance.CreateDatabase();
        var clusterId = "erase-crash-" + Guid.NewGuid().ToString("N")[..8];
        // Two silos: the one holding the customer dies, the other declares it dead and takes its reminders over.
        var silos = (await Task.WhenAll(SiloProcess.Start(connectionString, clusterId), SiloProcess.Start(connectionString, clusterId))).ToList();
        await using var api = new ApiFactory(ApiFixture.NodeSettings(connectionString, clusterId, devTokens: true));
        var stored = new StoredData(connectionString);
        try
        {
            var operatorClient = await ApiFixture.ClientAs(api, "operator");
            var profile = SampleProfiles.Ada();
            var id = await ApiCustomers.Create(operatorClient, profile);
            var card = Shopper.NewLoyaltyCard();
            await Json(await operatorClient.PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);

            // The database refuses identity grains' writes for now: the erasure starts, and its release step fails.
            await Execute(connectionString, """
                CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'writes refused'; END $$;
                CREATE TRIGGER refuse_storage_writes BEFORE INSERT OR UPDATE ON orleansstorage FOR EACH ROW EXECUTE FUNCTION refuse_writes();
                """);
            var answer = await Json(await operatorClient.DeleteAsync($"/v1/customers/{id}"), HttpStatusCode.Accepted);
            Assert.Equal("erasing", answer.GetProperty("status").GetString());
            await Problem(await operatorClient.GetAsync($"/v1/customers/{id}"), HttpStatusCode.Gone, "/errors/customer-erased");
            Assert.Equal(1, await stored.Scalar("SELECT count(*) FROM customer_keys WHERE customer_id = @id", ("id", id)));

            // The silo holding the customer dies mid-erasure (SIGKILL); the database recovers.
            var cluster = api.Services.GetRequiredService<IClusterClient>();
            var hosting = await cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.GetGrain<ICustomerGrain>(id));
            silos.Single(silo => silo.SiloPort == hosting!.Endpoint.Port).Kill();
            await Execute(connectionString, "DROP TRIGGER refuse_storage_writes ON orleansstorage; DROP FUNCTION refuse_writes();");

            // Nobody calls the customer: its erasure reminder, now the other silo's, activates it there, and the activation
            // finishes the erasure.
            await Eventually.Get(() => stored.Scalar("SELECT count(*) FROM erased_customers WHERE customer_id = @id", ("id", id)),
                erased => erased == 1, TimeSpan.FromMinutes(3));
            Assert.Equal(0, await stored.Scalar("SELECT count(*) FROM customer_keys WHERE customer_id = @id", ("id", id)));
            var byCard = await Eventually.Get(() => operatorClient.GetAsync($"/v1/identities/card/{card}"),
                response => response.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));
            await Problem(byCard, HttpStatusCode.NotFound, "/errors/identity-not-found");
            await Problem(await operatorClient.GetAsync($"/v1/identities/email/{Uri.EscapeDataString(profile.Email!)}"), HttpStatusCode.NotFound,
                "/errors/identity-not-found");
            Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"/v1/customers/{id}")).StatusCode);
            await Eventually.Get(() => stored.Scalar("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || @id || '%'", ("id", id)),
                reminders => reminders == 0, TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task AssertGone(HttpClient customer, HttpClient operatorClient, string id, string paymentId)
    {
        foreach (var path in new[] { "", "/payments", "/payments.csv", $"/payments/{paymentId}/receipt", "/limits", "/cart", "/consents", "/identities" })
        {
            await Problem(await customer.GetAsync($"/v1/customers/{id}{path}"), HttpStatusCode.Gone, "/errors/customer-erased");
            await Problem(await operatorClient.GetAsync($"/v1/customers/{id}{path}"), HttpStatusCode.Gone, "/errors/customer-erased");
        }
        await Problem(await customer.SendAsync(Requests.Json(HttpMethod.Post, $"/v1/customers/{id}/self-exclusion",
            JsonSerializer.Serialize(new { until = DateTimeOffset.UtcNow.AddYears(1) }))), HttpStatusCode.Gone, "/errors/customer-erased");
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
