namespace Actors.Grains.Identity;

/// <summary>The channels a customer can be found by.</summary>
public static class IdentityKinds
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Card = "card";
    public const string Device = "device";

    public static readonly IReadOnlyList<string> All = [Email, Phone, Card, Device];

    /// <summary>Email and phone come from the profile: they are claimed and released by changing it.</summary>
    public static bool IsProfileField(string kind) => kind is Email or Phone;
}

/// <summary>
/// A normalized channel identifier (<c>email:ada@example.com</c>, <c>phone:+447700900123</c>,
/// <c>card:123456789015</c>, <c>device:till-7</c>). <see cref="Key"/> is personal data: its identity grain is keyed
/// by <see cref="Privacy.IdentityKeys.GrainKey(Identifier)"/> instead.
/// Made only by <see cref="IdentityRules.Normalize"/> or <see cref="Parse"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("identifier-v1")]
public sealed record Identifier([property: Id(0)] string Kind, [property: Id(1)] string Value)
{
    public string Key => $"{Kind}:{Value}";

    /// <summary>The identifier a grain key names (the kind is everything before the first colon).</summary>
    public static Identifier Parse(string key)
    {
        var colon = key.IndexOf(':');
        return colon > 0 ? new(key[..colon], key[(colon + 1)..]) : throw new FormatException($"'{key}' is not an identity key.");
    }

    public override string ToString() => Key;
}
