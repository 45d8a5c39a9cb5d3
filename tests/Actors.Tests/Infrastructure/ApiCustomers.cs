using System.Net;
using System.Net.Http.Json;
using Actors.Grains.Profiles;

namespace Actors.Tests.Infrastructure;

/// <summary>Creating customers over the API, as an operator or a store terminal does.</summary>
public static class ApiCustomers
{
    /// <summary>
    /// <paramref name="profile"/> as <c>POST /v1/customers</c> takes it, fields left out where the draft has none;
    /// <paramref name="changes"/> replace or add members (a hostile field, a card number, another value).
    /// </summary>
    public static Dictionary<string, object?> Body(ProfileDraft profile, params (string Member, object? Value)[] changes)
    {
        var body = new Dictionary<string, object?>
        {
            ["displayName"] = profile.DisplayName,
            ["email"] = profile.Email,
            ["phone"] = profile.Phone,
            ["preferredLanguage"] = profile.PreferredLanguage,
            ["homeCurrency"] = profile.HomeCurrency,
            ["timeZone"] = profile.TimeZone,
        };
        foreach (var member in body.Where(member => member.Value is null).Select(member => member.Key).ToList())
        {
            body.Remove(member);
        }
        foreach (var (member, value) in changes)
        {
            body[member] = value;
        }
        return body;
    }

    /// <summary>Creates <paramref name="profile"/> (Ada when none) through <paramref name="client"/> and returns its id.</summary>
    public static async Task<string> Create(HttpClient client, ProfileDraft? profile = null)
    {
        var created = await HttpAssert.Json(await client.PostAsJsonAsync("/v1/customers", Body(profile ?? SampleProfiles.Ada())), HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }
}
