using System.Text.Json;
using Actors.Grains.Profiles;

namespace Actors.Api.Customers;

/// <summary>The profile fields a client sends: all of them to create, any of them to merge-patch.</summary>
public sealed record ProfileRequest(
    string? DisplayName,
    string? Email,
    string? Phone,
    string? PreferredLanguage,
    string? HomeCurrency,
    string? TimeZone)
{
    public ProfileDraft ToDraft() => new(DisplayName, Email, Phone, PreferredLanguage, HomeCurrency, TimeZone);

    /// <summary>
    /// Reads a JSON merge-patch (RFC 7396): a member present sets its field, <c>null</c> clears it, an absent one
    /// leaves it. Unknown members and non-string values are field errors, so a typo never passes silently.
    /// </summary>
    public static ProfilePatch ParsePatch(JsonElement body, Dictionary<string, string[]> errors)
    {
        var patch = new ProfilePatch();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["the body must be a JSON object"];
            return patch;
        }

        foreach (var member in body.EnumerateObject())
        {
            if (member.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                errors[member.Name] = ["must be a string or null"];
                continue;
            }
            var value = new PatchValue(member.Value.GetString());
            patch = member.Name.ToLowerInvariant() switch
            {
                "displayname" => patch with { DisplayName = value },
                "email" => patch with { Email = value },
                "phone" => patch with { Phone = value },
                "preferredlanguage" => patch with { PreferredLanguage = value },
                "homecurrency" => patch with { HomeCurrency = value },
                "timezone" => patch with { TimeZone = value },
                _ => Unknown(member.Name),
            };
        }
        return patch;

        ProfilePatch Unknown(string name)
        {
            errors[name] = ["is not a profile field"];
            return patch;
        }
    }
}

/// <summary>A customer's profile as the API shows it. Support sees email and phone masked.</summary>
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
    DateTimeOffset UpdatedAt)
{
    public static CustomerView From(Profile profile, bool masked) => new(
        profile.CustomerId,
        profile.DisplayName,
        masked ? MaskEmail(profile.Email) : profile.Email,
        masked ? MaskPhone(profile.Phone) : profile.Phone,
        profile.PreferredLanguage,
        profile.HomeCurrency,
        profile.TimeZone,
        profile.Version,
        profile.CreatedAt,
        profile.UpdatedAt);

    // j***@example.com: enough for support to confirm an address the customer reads out, not to learn it.
    internal static string? MaskEmail(string? email) =>
        email?.IndexOf('@') is int at and > 0 ? $"{email[0]}***{email[at..]}" : email;

    // +*********23: the last two digits only.
    internal static string? MaskPhone(string? phone) =>
        phone is null ? null : "+" + new string('*', phone.Length - 3) + phone[^2..];
}

/// <summary>The loyalty points a customer can redeem: points held by a payment being decided are not counted.</summary>
public sealed record LoyaltyPointsView(long Balance);

/// <summary>Strong entity tags carry the profile version: <c>"7"</c>.</summary>
/// <summary>A device or till the customer has been seen on.</summary>
public sealed record SessionView(string DeviceId, string Channel, string? DeviceLabel, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

public static class EntityTag
{
    public static string Of(long version) => $"\"{version}\"";

    /// <summary>The version named by an <c>If-Match</c> header (a weak <c>W/</c> prefix is tolerated).</summary>
    public static bool TryParse(string? header, out long version)
    {
        version = 0;
        var tag = header?.Trim();
        if (tag is null)
        {
            return false;
        }
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], out version);
    }
}

/// <summary>An erasure under way: <c>erasing</c> until every step is done (then <c>DELETE</c> answers <c>204</c>).</summary>
public sealed record ErasureView(string Status);
