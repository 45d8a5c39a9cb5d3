using Actors.Grains.Profiles;

namespace Actors.Tests.Infrastructure;

/// <summary>The sample customers of the suite, for grains and (through <see cref="ApiCustomers.Body"/>) for the API.</summary>
public static class SampleProfiles
{
    public static ProfileDraft Ada() => new("Ada Lovelace", "ada@example.com", "+447700900123", "en-GB", "GBP", "Europe/London");

    /// <summary>The shopper of the checkout tests: no phone, default language, caps in <paramref name="currency"/>.</summary>
    public static ProfileDraft Grace(string currency = "EUR") => new("Grace Hopper", "grace@example.com", null, null, currency, "Europe/Berlin");

    public static Profile Created(ProfileResult result) =>
        Assert.IsType<ProfileResult.Found>(result).Profile;
}
