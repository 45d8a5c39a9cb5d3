using Actors.Peers.Auth;
using Actors.Peers.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Peers.Profiles;

/// <summary>The platform's profile answer, member for member.</summary>
public sealed record CustomerView(
    string Id,
    string DisplayName,
    string? Email,
    string? Phone,
    string PreferredLanguage,
    string HomeCurrency,
    string TimeZone,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Peer R: <c>GET {prefix}/v1/customers/{customerId}</c> reads the profile row by its primary key.</summary>
public static class ProfileApi
{
    public static RouteGroupBuilder MapProfileApi(this IEndpointRouteBuilder app, string prefix)
    {
        var customer = app.MapCustomerGroup(prefix).WithTags("Peer R");
        customer.MapGet("", Get).RequireAuthorization(PeerAuth.ReadCustomer);
        return customer;
    }

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> Get(string customerId, PeerDatabase database, HttpContext http)
    {
        await using var read = database.DataSource.CreateCommand("""
            SELECT display_name, email, phone, preferred_language, home_currency, time_zone, version, created_at, updated_at
            FROM customers WHERE id = $1
            """);
        read.Parameters.Add(new() { Value = customerId });
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return PeerProblems.CustomerNotFound();
        }

        // Support sees email and phone masked, as on the platform.
        var masked = http.User.IsInRole("support") && !http.User.IsInRole("operator");
        var email = reader.IsDBNull(1) ? null : reader.GetString(1);
        var phone = reader.IsDBNull(2) ? null : reader.GetString(2);
        var profile = new CustomerView(customerId, reader.GetString(0),
            masked && email?.IndexOf('@') is int at and > 0 ? $"{email[0]}***{email[at..]}" : email,
            masked && phone is not null ? "+" + new string('*', phone.Length - 3) + phone[^2..] : phone,
            reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6),
            reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8));
        http.Response.Headers.ETag = $"\"{profile.Version}\"";
        return TypedResults.Ok(profile);
    }
}
