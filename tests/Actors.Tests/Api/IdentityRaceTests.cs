using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>Customers racing for one email through the API on a cluster of two silos: exactly one wins every time.</summary>
public sealed class IdentityRaceTests(TwoSiloApiFixture fixture) : IClassFixture<TwoSiloApiFixture>
{
    [Fact]
    public async Task Two_customers_patching_in_one_email_at_once_leave_exactly_one_holder_every_round()
    {
        var client = await fixture.ClientAs("operator");
        for (var round = 0; round < 25; round++)
        {
            var email = $"race.{round}.{Guid.NewGuid():N}@example.com";
            var ids = await Task.WhenAll(ApiCustomers.Create(client), ApiCustomers.Create(client));

            var responses = await Task.WhenAll(ids.Select(id =>
                client.SendAsync(Requests.MergePatch($"/v1/customers/{id}", $$"""{"email":"{{email}}"}""", version: 1))));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(response => response.StatusCode).Order());
            var winner = ids[Array.FindIndex(responses, response => response.StatusCode == HttpStatusCode.OK)];
            var loser = ids.Single(id => id != winner);
            await Problem(responses.Single(response => response.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict, "/errors/identity-taken");
            var found = await Json(await client.GetAsync($"/v1/identities/email/{email}"), HttpStatusCode.OK);
            Assert.Equal(winner, found.GetProperty("customerId").GetString());
            var lost = await Json(await client.GetAsync($"/v1/customers/{loser}"), HttpStatusCode.OK);
            Assert.Equal(1, lost.GetProperty("version").GetInt64());
            Assert.NotEqual(email, lost.GetProperty("email").GetString());
        }
    }

    [Fact]
    public async Task Many_customers_created_with_one_email_at_once_make_exactly_one_customer_every_round()
    {
        var client = await fixture.ClientAs("pos");
        for (var round = 0; round < 10; round++)
        {
            var email = $"rush.{round}.{Guid.NewGuid():N}@example.com";

            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                client.PostAsJsonAsync("/v1/customers", ApiCustomers.Body(SampleProfiles.Grace(), ("email", email)))));

            Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
            Assert.Equal(5, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
            var created = await Json(responses.Single(response => response.StatusCode == HttpStatusCode.Created), HttpStatusCode.Created);
            var found = await Json(await (await fixture.ClientAs("operator")).GetAsync($"/v1/identities/email/{email}"), HttpStatusCode.OK);
            Assert.Equal(created.GetProperty("id").GetString(), found.GetProperty("customerId").GetString());
        }
    }
}
