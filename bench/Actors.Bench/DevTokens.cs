using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Bench;

internal static class DevTokens
{
    /// <summary>A token from <c>POST /v1/dev/tokens</c>, which the local start turns on.</summary>
    public static async Task<string> Issue(HttpClient http, string role, string? customerId)
    {
        var response = await http.PostAsJsonAsync("/v1/dev/tokens", new { role, customerId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
