using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class IdentityApiTests(ApiFixture fixture)
{
    private static string Unique(string name) => $"{name}.{Guid.NewGuid():N}@example.com";

    private static HttpRequestMessage Patch(string id, string json, long version) => Requests.MergePatch($"/v1/customers/{id}", json, version);

    private async Task<(HttpClient Operator, string Id)> NewCustomer(string? email = null, string? phone = null)
    {
        var client = await fixture.ClientAs("operator");
        var profile = SampleProfiles.Ada();
        return (client, await ApiCustomers.Create(client, profile with { Email = email ?? profile.Email, Phone = phone ?? profile.Phone }));
    }

    [Fact]
    public async Task Staff_and_tills_find_a_customer_by_email_or_phone_however_it_is_written()
    {
        var email = Unique("Ada.Finder");
        var (_, id) = await NewCustomer(email, "+447700911123");

        var byEmail = await Json(await (await fixture.ClientAs("support")).GetAsync($"/v1/identities/email/{Uri.EscapeDataString("  " + email.ToUpperInvariant())}"), HttpStatusCode.OK);
        var byPhone = await Json(await (await fixture.ClientAs("pos")).GetAsync($"/v1/identities/phone/{Uri.EscapeDataString("+44 (7700) 911-123")}"), HttpStatusCode.OK);

        Assert.Equal(("email", email.ToLowerInvariant(), id), (byEmail.GetProperty("kind").GetString(), byEmail.GetProperty("value").GetString(), byEmail.GetProperty("customerId").GetString()));
        Assert.Equal(("phone", "+447700911123", id), (byPhone.GetProperty("kind").GetString(), byPhone.GetProperty("value").GetString(), byPhone.GetProperty("customerId").GetString()));
    }

    [Fact]
    public async Task An_identifier_nobody_holds_is_404_a_customer_may_not_look_up_and_bad_input_is_400()
    {
        var (_, id) = await NewCustomer();
        var staff = await fixture.ClientAs("operator");

        await Problem(await staff.GetAsync($"/v1/identities/email/{Unique("nobody")}"), HttpStatusCode.NotFound, "/errors/identity-not-found");
        await Problem(await (await fixture.ClientAs("customer", id)).GetAsync($"/v1/identities/email/{Unique("x")}"), HttpStatusCode.Forbidden, "/errors/forbidden");
        var kind = await Problem(await staff.GetAsync("/v1/identities/loyalty/123456789015"), HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(kind.GetProperty("errors").TryGetProperty("kind", out _));
        var value = await Problem(await staff.GetAsync("/v1/identities/card/123456789012"), HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(value.GetProperty("errors").TryGetProperty("value", out _));
        await Problem(await staff.GetAsync("/v1/identities/phone/07700900123"), HttpStatusCode.BadRequest, "/errors/validation");
    }

    [Fact]
    public async Task An_email_another_customer_holds_is_409_and_the_profile_and_journal_are_unchanged()
    {
        var email = Unique("held");
        var (client, holder) = await NewCustomer(email);
        var (_, other) = await NewCustomer();
        var before = await Json(await client.GetAsync($"/v1/customers/{other}"), HttpStatusCode.OK);
        var events = await fixture.Stored.AllEvents();

        var patch = await client.SendAsync(Patch(other, $$"""{"displayName":"Someone","email":"{{email.ToUpperInvariant()}}"}""", 1));
        var create = await client.PostAsJsonAsync("/v1/customers", ApiCustomers.Body(SampleProfiles.Ada(), ("email", email)));

        var problem = await Problem(patch, HttpStatusCode.Conflict, "/errors/identity-taken");
        Assert.Equal("email", problem.GetProperty("kind").GetString());
        Assert.DoesNotContain(holder, await patch.Content.ReadAsStringAsync());
        await Problem(create, HttpStatusCode.Conflict, "/errors/identity-taken");
        var after = await Json(await client.GetAsync($"/v1/customers/{other}"), HttpStatusCode.OK);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(events, await fixture.Stored.AllEvents());
        var found = await Json(await client.GetAsync($"/v1/identities/email/{email}"), HttpStatusCode.OK);
        Assert.Equal(holder, found.GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task A_changed_or_cleared_email_and_phone_are_free_again()
    {
        var (old, next) = (Unique("old"), Unique("next"));
        var (client, id) = await NewCustomer(old, "+447700922123");

        await Json(await client.SendAsync(Patch(id, $$"""{"email":"{{next}}","phone":null}""", 1)), HttpStatusCode.OK);

        await Problem(await client.GetAsync($"/v1/identities/email/{old}"), HttpStatusCode.NotFound, "/errors/identity-not-found");
        await Problem(await client.GetAsync("/v1/identities/phone/+447700922123"), HttpStatusCode.NotFound, "/errors/identity-not-found");
        var (_, taker) = await NewCustomer(old, "+447700922123");
        Assert.Equal(taker, (await Json(await client.GetAsync($"/v1/identities/email/{old}"), HttpStatusCode.OK)).GetProperty("customerId").GetString());
        Assert.Equal(id, (await Json(await client.GetAsync($"/v1/identities/email/{next}"), HttpStatusCode.OK)).GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task A_customer_claims_lists_and_releases_a_loyalty_card_and_a_device()
    {
        var email = Unique("carded");
        var (staff, id) = await NewCustomer(email, "+447700933123");
        var customer = await fixture.ClientAs("customer", id);
        var card = Shopper.NewLoyaltyCard();
        var path = $"/v1/customers/{id}/identities";

        var claimed = await customer.PostAsJsonAsync(path, new { kind = "card", value = $"{card[..4]} {card[4..8]} {card[8..]}" });
        var again = await customer.PostAsJsonAsync(path, new { kind = "card", value = card });
        var device = await staff.PostAsJsonAsync(path, new { kind = "device", value = "till-" + id });

        var body = await Json(claimed, HttpStatusCode.Created);
        Assert.Equal($"/v1/identities/card/{card}", claimed.Headers.Location?.OriginalString);
        Assert.Equal(("card", card, id), (body.GetProperty("kind").GetString(), body.GetProperty("value").GetString(), body.GetProperty("customerId").GetString()));
        await Json(again, HttpStatusCode.OK);
        await Json(device, HttpStatusCode.Created);
        var found = await Json(await (await fixture.ClientAs("pos")).GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.OK);
        Assert.Equal(id, found.GetProperty("customerId").GetString());
        var listed = await Json(await customer.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal([$"card:{card}", $"device:till-{id}", $"email:{email}", "phone:+447700933123"],
            listed.EnumerateArray().Select(item => item.GetProperty("kind").GetString() + ":" + item.GetProperty("value").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await customer.DeleteAsync($"{path}/card/{card}")).StatusCode);
        await Problem(await customer.DeleteAsync($"{path}/card/{card}"), HttpStatusCode.NotFound, "/errors/identity-not-found");
        await Problem(await staff.GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.NotFound, "/errors/identity-not-found");
        Assert.Equal(3, (await Json(await customer.GetAsync(path), HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task A_card_another_customer_holds_is_409_and_email_and_phone_go_through_the_profile()
    {
        var (staff, first) = await NewCustomer();
        var (_, second) = await NewCustomer();
        var card = Shopper.NewLoyaltyCard();
        await Json(await staff.PostAsJsonAsync($"/v1/customers/{first}/identities", new { kind = "card", value = card }), HttpStatusCode.Created);
        var events = await fixture.Stored.AllEvents();

        await Problem(await staff.PostAsJsonAsync($"/v1/customers/{second}/identities", new { kind = "card", value = card }), HttpStatusCode.Conflict, "/errors/identity-taken");
        var email = await Problem(await staff.PostAsJsonAsync($"/v1/customers/{second}/identities", new { kind = "email", value = Unique("direct") }), HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(email.GetProperty("errors").TryGetProperty("kind", out _));
        await Problem(await staff.DeleteAsync($"/v1/customers/{second}/identities/phone/+447700900123"), HttpStatusCode.BadRequest, "/errors/validation");
        await Problem(await staff.PostAsJsonAsync($"/v1/customers/{second}/identities", new { kind = "card" }), HttpStatusCode.BadRequest, "/errors/validation");

        Assert.Equal(events, await fixture.Stored.AllEvents());
        Assert.Equal(2, (await Json(await staff.GetAsync($"/v1/customers/{second}/identities"), HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Only_the_customer_themselves_and_operators_claim_and_support_sees_contact_details_masked()
    {
        var (_, id) = await NewCustomer(Unique("masked"), "+447700944123");
        var (_, someoneElse) = await NewCustomer();
        var card = Shopper.NewLoyaltyCard();

        await Problem(await (await fixture.ClientAs("customer", someoneElse)).PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = card }),
            HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await (await fixture.ClientAs("support")).PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = card }),
            HttpStatusCode.Forbidden, "/errors/forbidden");
        var listed = await Json(await (await fixture.ClientAs("support")).GetAsync($"/v1/customers/{id}/identities"), HttpStatusCode.OK);

        Assert.Equal(["m***@example.com", "+**********23"], listed.EnumerateArray().Select(item => item.GetProperty("value").GetString()));
        await Problem(await (await fixture.ClientAs("operator")).GetAsync($"/v1/identities/card/{card}"), HttpStatusCode.NotFound, "/errors/identity-not-found");
    }

    [Fact]
    public async Task A_loyalty_card_number_passes_the_card_number_guard_in_a_body_a_query_string_and_a_path()
    {
        var (staff, id) = await NewCustomer();
        var card = Shopper.NewLoyaltyCard();
        var grouped = $"{card[..4]}-{card[4..8]}-{card[8..]}";

        await Json(await staff.PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = grouped }), HttpStatusCode.Created);
        var byPath = await Json(await staff.GetAsync($"/v1/identities/card/{grouped}?ref={card}"), HttpStatusCode.OK);
        var inQuery = await Json(await staff.GetAsync($"/v1/customers/{id}/payments?q={Uri.EscapeDataString(card[..4] + " " + card[4..8] + " " + card[8..])}"), HttpStatusCode.OK);

        Assert.Equal(id, byPath.GetProperty("customerId").GetString());
        Assert.Equal(0, inQuery.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111111111111111")]
    [InlineData("3782-822463-10005")]
    public async Task A_payment_card_number_sent_as_a_loyalty_card_is_refused_as_a_card_number_and_nothing_is_kept(string pan)
    {
        var (staff, id) = await NewCustomer();
        var events = await fixture.Stored.AllEvents();

        await Problem(await staff.PostAsJsonAsync($"/v1/customers/{id}/identities", new { kind = "card", value = pan }), HttpStatusCode.BadRequest, "/errors/raw-card-number");
        await Problem(await staff.GetAsync($"/v1/identities/card/{Uri.EscapeDataString(pan)}"), HttpStatusCode.BadRequest, "/errors/raw-card-number");
        await Problem(await staff.GetAsync($"/v1/identities/card/123456789015?card={Uri.EscapeDataString(pan)}"), HttpStatusCode.BadRequest, "/errors/raw-card-number");
        var deleted = await Problem(await staff.DeleteAsync($"/v1/customers/{id}/identities/card/{Uri.EscapeDataString(pan)}"), HttpStatusCode.BadRequest, "/errors/raw-card-number");

        Assert.DoesNotContain(pan, deleted.GetRawText());
        Assert.Equal(events, await fixture.Stored.AllEvents());
        Assert.Equal(2, (await Json(await staff.GetAsync($"/v1/customers/{id}/identities"), HttpStatusCode.OK)).GetArrayLength());
    }
}
