using Actors.Grains.Profiles;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// The sample customers of the suite, for grains and (through <see cref="ApiCustomers.Body"/>) for the API. An email
/// or phone belongs to one customer only, so each sample gets its own (<c>ada.7@example.com</c>, <c>+447700000723</c>:
/// the masked forms stay <c>a***@example.com</c> and <c>+**********23</c>).
/// </summary>
public static class SampleProfiles
{
    private static int issued;

    public static ProfileDraft Ada()
    {
        var n = Next();
        return new("Ada Lovelace", $"ada.{n}@example.com", $"+4477{n:D6}23", "en-GB", "GBP", "Europe/London");
    }

    /// <summary>The shopper of the checkout tests: no phone, default language, caps in <paramref name="currency"/>.</summary>
    public static ProfileDraft Grace(string currency = "EUR") => new("Grace Hopper", $"grace.{Next()}@example.com", null, null, currency, "Europe/Berlin");

    public static Profile Created(ProfileResult result) =>
        Assert.IsType<ProfileResult.Found>(result).Profile;

    private static int Next() => Interlocked.Increment(ref issued);
}
