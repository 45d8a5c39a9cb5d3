using System.Net.Mail;
using System.Text.RegularExpressions;
using Actors.Grains.Money;

namespace Actors.Grains.Profiles;

/// <summary>Validation and change rules for the profile: pure, no clock or I/O of its own.</summary>
public static partial class ProfileRules
{
    public const int MaxDisplayName = 100;
    public const int MaxEmail = 254;
    public const int MaxLanguage = 35;
    public const int MaxTimeZone = 64;
    public const string DefaultLanguage = "en";

    public static ProfileResult Create(string customerId, ProfileDraft draft, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var displayName = Required(errors, "displayName", draft.DisplayName, DisplayName);
        var email = Optional(errors, "email", draft.Email, Email);
        var phone = Optional(errors, "phone", draft.Phone, Phone);
        var language = draft.PreferredLanguage is null
            ? DefaultLanguage
            : Required(errors, "preferredLanguage", draft.PreferredLanguage, Language);
        var currency = Required(errors, "homeCurrency", draft.HomeCurrency, HomeCurrency);
        var timeZone = Required(errors, "timeZone", draft.TimeZone, TimeZone);
        if (errors.Count > 0)
        {
            return new ProfileResult.Invalid(errors);
        }

        return new ProfileResult.Found(new Profile(
            customerId, displayName!, email, phone, language!, currency!, timeZone!, Version: 1, now, now));
    }

    /// <summary>
    /// Applies a merge-patch to <paramref name="current"/> when it is still at <paramref name="expectedVersion"/>.
    /// A patch that changes nothing returns the profile as it is, at the same version.
    /// </summary>
    public static ProfileResult Apply(Profile current, long expectedVersion, ProfilePatch patch, DateTimeOffset now)
    {
        if (current.Version != expectedVersion)
        {
            return new ProfileResult.VersionMismatch(current);
        }

        var errors = new Dictionary<string, string[]>();
        var next = current with
        {
            DisplayName = patch.DisplayName is { } name ? Required(errors, "displayName", name.Value, DisplayName) ?? "" : current.DisplayName,
            Email = patch.Email is { } email ? Optional(errors, "email", email.Value, Email) : current.Email,
            Phone = patch.Phone is { } phone ? Optional(errors, "phone", phone.Value, Phone) : current.Phone,
            PreferredLanguage = patch.PreferredLanguage is { } language ? Required(errors, "preferredLanguage", language.Value, Language) ?? "" : current.PreferredLanguage,
            HomeCurrency = patch.HomeCurrency is { } currency ? Required(errors, "homeCurrency", currency.Value, HomeCurrency) ?? "" : current.HomeCurrency,
            TimeZone = patch.TimeZone is { } zone ? Required(errors, "timeZone", zone.Value, TimeZone) ?? "" : current.TimeZone,
        };
        if (errors.Count > 0)
        {
            return new ProfileResult.Invalid(errors);
        }

        return next == current
            ? new ProfileResult.Found(current)
            : new ProfileResult.Found(next with { Version = current.Version + 1, UpdatedAt = now });
    }

    /// <summary>Whether <paramref name="value"/> is an email address the profile accepts, as it stands.</summary>
    public static bool IsEmail(string value) => value.Length <= MaxEmail && IsPlainAddress(value);

    /// <summary>Whether <paramref name="value"/> is a phone number the profile accepts (E.164, as it stands).</summary>
    public static bool IsE164(string value) => E164().IsMatch(value);

    /// <summary>A field rule: the normalized value, or the reason the raw value is refused.</summary>
    private delegate string? FieldRule(string raw, out string error);

    private static string? Required(Dictionary<string, string[]> errors, string field, string? raw, FieldRule rule)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors[field] = ["is required"];
            return null;
        }
        return Optional(errors, field, raw, rule);
    }

    private static string? Optional(Dictionary<string, string[]> errors, string field, string? raw, FieldRule rule)
    {
        if (raw is null)
        {
            return null;
        }
        var normalized = rule(raw.Trim(), out var error);
        if (normalized is null)
        {
            errors[field] = [error];
        }
        return normalized;
    }

    private static string? DisplayName(string value, out string error)
    {
        error = value.Length > MaxDisplayName ? $"must be at most {MaxDisplayName} characters"
            : value.Any(char.IsControl) ? "must not contain control characters"
            : "";
        return error.Length == 0 ? value : null;
    }

    private static string? Email(string value, out string error)
    {
        error = value.Length > MaxEmail ? $"must be at most {MaxEmail} characters"
            : !IsPlainAddress(value) ? "is not a valid email address"
            : "";
        return error.Length == 0 ? value : null;
    }

    // A bare address with a dotted domain: no display name, no comments, nothing MailAddress would rewrite.
    private static bool IsPlainAddress(string value) =>
        MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.')
        && !address.Host.EndsWith('.');

    private static string? Phone(string value, out string error)
    {
        error = E164().IsMatch(value) ? "" : "must be an E.164 number such as +447700900123";
        return error.Length == 0 ? value : null;
    }

    private static string? Language(string value, out string error)
    {
        error = value.Length > MaxLanguage ? $"must be at most {MaxLanguage} characters"
            : !LanguageTag().IsMatch(value) ? "must be a BCP-47 language tag such as en-GB"
            : "";
        return error.Length == 0 ? value : null;
    }

    private static string? HomeCurrency(string value, out string error)
    {
        var known = Currencies.TryNormalize(value, out var code);
        error = known ? "" : "must be an ISO-4217 currency code such as EUR";
        return known ? code : null;
    }

    private static string? TimeZone(string value, out string error)
    {
        var known = value.Length <= MaxTimeZone
            && TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone)
            && zone.HasIanaId;
        error = known ? "" : "must be an IANA time zone id such as Europe/London";
        return known ? value : null;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    // Language, optional script, optional region, then variants (RFC 5646 well-formedness, private use left out).
    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")]
    private static partial Regex LanguageTag();
}
