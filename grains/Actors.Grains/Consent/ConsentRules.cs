namespace Actors.Grains.Consent;

/// <summary>What a consent decision must say to be recorded.</summary>
public static class ConsentRules
{
    public const int MaxPolicyVersion = 64;

    /// <summary>
    /// The reasons <paramref name="draft"/> cannot be recorded; empty when it can. The policy version is what the
    /// customer was shown, so it must be short, visible ASCII text (inner spaces allowed), as decoded from the body.
    /// </summary>
    public static Dictionary<string, string[]> Check(ConsentDraft draft)
    {
        var errors = new Dictionary<string, string[]>();
        if (draft.Granted is null)
        {
            errors["granted"] = ["is required: true to grant, false to withdraw"];
        }
        if (!IsPolicyVersion(draft.PolicyVersion))
        {
            errors["policyVersion"] = [$"is required: 1–{MaxPolicyVersion} printable ASCII characters, not starting or ending with a space"];
        }
        return errors;
    }

    public static bool IsPolicyVersion(string? version) =>
        version is { Length: > 0 and <= MaxPolicyVersion }
        && version[0] != ' ' && version[^1] != ' '
        && version.All(character => character is >= ' ' and <= '~');
}
