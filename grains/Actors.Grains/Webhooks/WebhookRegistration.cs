using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Actors.Grains.Webhooks;

/// <summary>An endpoint as registered: where to POST, which events, and the secret deliveries are signed with.</summary>
public sealed record WebhookDraft(Uri Url, ImmutableArray<string> Events, string Secret, bool SecretGenerated);

/// <summary>The rules an endpoint's registration must meet; what breaks them is a list of field errors.</summary>
public static class WebhookRegistration
{
    public const int MaxUrlLength = 2048;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;
    public const string SecretPrefix = "whsec_";

    /// <summary>The draft for <paramref name="url"/>, <paramref name="events"/> and <paramref name="secret"/>, or the field errors.</summary>
    public static (WebhookDraft? Draft, Dictionary<string, string[]> Errors) Check(string? url, IReadOnlyList<string?>? events, string? secret)
    {
        var errors = new Dictionary<string, string[]>();
        Uri? target = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out target) || target.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(target.UserInfo) || !string.IsNullOrEmpty(target.Fragment))
        {
            errors["url"] = [$"Give an absolute http or https URL of at most {MaxUrlLength} characters, without user info or fragment."];
        }
        if (events is null || events.Count == 0)
        {
            errors["events"] = [$"Name at least one event: {string.Join(", ", WebhookEvents.All)}."];
        }
        else if (events.ToList().FindIndex(name => name is null || !WebhookEvents.IsKnown(name)) is var unknown and >= 0)
        {
            errors[$"events[{unknown}]"] = [$"No such event; name events from: {string.Join(", ", WebhookEvents.All)}."];
        }
        else if (events.Distinct(StringComparer.Ordinal).Count() != events.Count)
        {
            errors["events"] = ["Name each event once."];
        }
        if (secret is not null && (secret.Length < MinSecretLength || secret.Length > MaxSecretLength || !secret.All(c => c is > ' ' and <= '~')))
        {
            errors["secret"] = [$"A secret is {MinSecretLength}–{MaxSecretLength} printable ASCII characters without spaces; leave it out to have one made."];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new WebhookDraft(target!, [.. events!.Select(name => name!)], secret ?? NewSecret(), secret is null), errors);
    }

    /// <summary>A fresh secret: 32 random bytes, hex.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
