using Actors.Grains.Profiles;

namespace Actors.Tests.Infrastructure;

public static class SampleProfiles
{
    public static ProfileDraft Ada() => new("Ada Lovelace", "ada@example.com", "+447700900123", "en-GB", "GBP", "Europe/London");

    public static Profile Created(ProfileResult result) =>
        Assert.IsType<ProfileResult.Found>(result).Profile;
}
