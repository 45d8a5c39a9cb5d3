using System.Net;
using System.Net.Http.Json;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A customer's step-up before sensitive changes, the way a device does it in development: ask for a challenge, read
/// the code from the development outbox, send it. The step-up counts for the client's own device only.
/// </summary>
public static class StepUps
{
    /// <summary>Steps up the device of <paramref name="client"/> (a customer's, with a device id) by a one-time code; the answer's <c>verifiedUntil</c>.</summary>
    public static async Task<DateTimeOffset> Prove(HttpClient client, string customerId)
    {
        var challenge = await HttpAssert.Json(await client.PostAsync($"/v1/customers/{customerId}/step-up/challenge", null), HttpStatusCode.OK);
        Assert.Equal("code", challenge.GetProperty("method").GetString());
        var code = await LatestCode(client, customerId);
        var verified = await HttpAssert.Json(await client.PostAsJsonAsync($"/v1/customers/{customerId}/step-up", new { code }), HttpStatusCode.OK);
        return verified.GetProperty("verifiedUntil").GetDateTimeOffset();
    }

    /// <summary>The newest code in the customer's development outbox.</summary>
    public static async Task<string> LatestCode(HttpClient client, string customerId)
    {
        var outbox = await HttpAssert.Json(await client.GetAsync($"/v1/dev/outbox/{customerId}"), HttpStatusCode.OK);
        return outbox[0].GetProperty("code").GetString()!;
    }
}
