using System.Collections.Immutable;

namespace Actors.Grains.Consent;

/// <summary>
/// What a customer may allow their data to be used for. Every purpose is denied until the customer grants it. The
/// numbers are stored in the journal: never renumber one; a value no version knows reads as denied.
/// </summary>
public enum ConsentPurpose
{
    /// <summary>Ranking, defaults and summaries shaped by what the customer did before.</summary>
    Personalization = 1,

    /// <summary>Offers and messages sent to the customer's contact details.</summary>
    Marketing = 2,

    /// <summary>Where the customer is, or where their cards say they are (display currency, nearby stores).</summary>
    Location = 3,

    /// <summary>Measuring how the customer uses the merchant's channels (devices, experiments).</summary>
    Analytics = 4,
}

/// <summary>The purposes by their wire names (<c>personalization</c>, <c>marketing</c>, <c>location</c>, <c>analytics</c>).</summary>
public static class ConsentPurposes
{
    /// <summary>Every purpose, in the order the API lists them.</summary>
    public static readonly ImmutableArray<ConsentPurpose> All =
        [ConsentPurpose.Personalization, ConsentPurpose.Marketing, ConsentPurpose.Location, ConsentPurpose.Analytics];

    public static bool IsKnown(ConsentPurpose purpose) => purpose is
        ConsentPurpose.Personalization or ConsentPurpose.Marketing or ConsentPurpose.Location or ConsentPurpose.Analytics;

    public static string NameOf(ConsentPurpose purpose) => purpose switch
    {
        ConsentPurpose.Personalization => "personalization",
        ConsentPurpose.Marketing => "marketing",
        ConsentPurpose.Location => "location",
        ConsentPurpose.Analytics => "analytics",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "No such purpose."),
    };

    /// <summary>
    /// The purpose named exactly (lower case) by <paramref name="name"/>; null for anything else, including numbers
    /// and other spellings, so a client can only ever name one of the four.
    /// </summary>
    public static ConsentPurpose? Parse(string? name) => name switch
    {
        "personalization" => ConsentPurpose.Personalization,
        "marketing" => ConsentPurpose.Marketing,
        "location" => ConsentPurpose.Location,
        "analytics" => ConsentPurpose.Analytics,
        _ => null,
    };
}
