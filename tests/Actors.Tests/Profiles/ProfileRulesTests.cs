using Actors.Grains.Customers;
using Actors.Grains.Money;
using Actors.Grains.Profiles;
using Actors.Tests.Infrastructure;
using CsCheck;

namespace Actors.Tests.Profiles;

public sealed class ProfileRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static ProfileResult Create(ProfileDraft draft) => ProfileRules.Create("cus_test", draft, Now);

    private static IReadOnlyDictionary<string, string[]> ErrorsOf(ProfileResult result) =>
        Assert.IsType<ProfileResult.Invalid>(result).Errors;

    [Fact]
    public void A_valid_draft_becomes_version_1_with_normalized_fields()
    {
        var profile = SampleProfiles.Created(Create(new ProfileDraft("  Ada Lovelace ", "ada@example.com", "+447700900123", "en-GB", "gbp", "Europe/London")));

        Assert.Equal(new Profile("cus_test", "Ada Lovelace", "ada@example.com", "+447700900123", "en-GB", "GBP",
            "Europe/London", 1, Now, Now), profile);
    }

    [Fact]
    public void Language_defaults_to_English_and_contact_details_are_optional()
    {
        var profile = SampleProfiles.Created(Create(new ProfileDraft("Ada", null, null, null, "EUR", "Europe/Paris")));

        Assert.Equal("en", profile.PreferredLanguage);
        Assert.Null(profile.Email);
        Assert.Null(profile.Phone);
    }

    [Theory]
    [InlineData("displayName", null)]
    [InlineData("displayName", "   ")]
    [InlineData("homeCurrency", null)]
    [InlineData("timeZone", null)]
    public void Required_fields_must_be_given(string field, string? value)
    {
        var draft = field switch
        {
            "displayName" => SampleProfiles.Ada() with { DisplayName = value },
            "homeCurrency" => SampleProfiles.Ada() with { HomeCurrency = value },
            _ => SampleProfiles.Ada() with { TimeZone = value },
        };

        Assert.Equal(["is required"], ErrorsOf(Create(draft))[field]);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ada@localhost")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@example.com.")]
    [InlineData("ada@@example.com")]
    public void Bad_emails_are_refused(string email) =>
        Assert.Contains("email", ErrorsOf(Create(SampleProfiles.Ada() with { Email = email })).Keys);

    [Theory]
    [InlineData("07700900123")]
    [InlineData("+0447700900123")]
    [InlineData("+44 7700 900123")]
    [InlineData("+1234567890123456")]
    public void Phones_must_be_E164(string phone) =>
        Assert.Contains("phone", ErrorsOf(Create(SampleProfiles.Ada() with { Phone = phone })).Keys);

    [Theory]
    [InlineData("XXX")]
    [InlineData("EURO")]
    [InlineData("€")]
    public void Unknown_currencies_are_refused(string currency) =>
        Assert.Contains("homeCurrency", ErrorsOf(Create(SampleProfiles.Ada() with { HomeCurrency = currency })).Keys);

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("GMT Standard Time")]
    [InlineData("")]
    public void Time_zones_must_be_IANA_ids(string zone) =>
        Assert.Contains("timeZone", ErrorsOf(Create(SampleProfiles.Ada() with { TimeZone = zone })).Keys);

    [Theory]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("UTC")]
    public void IANA_time_zones_are_accepted(string zone) =>
        Assert.Equal(zone, SampleProfiles.Created(Create(SampleProfiles.Ada() with { TimeZone = zone })).TimeZone);

    [Theory]
    [InlineData("english")]
    [InlineData("en_GB")]
    [InlineData("e")]
    public void Languages_must_be_BCP47_tags(string language) =>
        Assert.Contains("preferredLanguage", ErrorsOf(Create(SampleProfiles.Ada() with { PreferredLanguage = language })).Keys);

    [Fact]
    public void Over_long_fields_are_refused_with_their_limit()
    {
        var errors = ErrorsOf(Create(SampleProfiles.Ada() with
        {
            DisplayName = new string('a', ProfileRules.MaxDisplayName + 1),
            Email = new string('a', 250) + "@example.com",
            PreferredLanguage = "en-" + string.Join("-", Enumerable.Repeat("abcdefgh", 5)),
        }));

        Assert.Equal([$"must be at most {ProfileRules.MaxDisplayName} characters"], errors["displayName"]);
        Assert.Equal([$"must be at most {ProfileRules.MaxEmail} characters"], errors["email"]);
        Assert.Equal([$"must be at most {ProfileRules.MaxLanguage} characters"], errors["preferredLanguage"]);
    }

    [Fact]
    public void Control_characters_in_a_name_are_refused() =>
        Assert.Contains("displayName", ErrorsOf(Create(SampleProfiles.Ada() with { DisplayName = "Ada\u0000" })).Keys);

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var errors = ErrorsOf(Create(new ProfileDraft(null, "x", "1", "?", "ZZZ", "Nowhere")));

        Assert.Equal(["displayName", "email", "homeCurrency", "phone", "preferredLanguage", "timeZone"], errors.Keys.Order());
    }

    [Fact]
    public void A_patch_clears_optional_fields_but_not_required_ones()
    {
        var profile = SampleProfiles.Created(Create(SampleProfiles.Ada()));

        var cleared = SampleProfiles.Created(ProfileRules.Apply(profile, 1, new ProfilePatch { Email = new(null), Phone = new(null) }, Now));
        var refused = ProfileRules.Apply(profile, 1, new ProfilePatch { TimeZone = new(null) }, Now);

        Assert.Null(cleared.Email);
        Assert.Null(cleared.Phone);
        Assert.Equal(2, cleared.Version);
        Assert.Equal(["is required"], ErrorsOf(refused)["timeZone"]);
    }

    [Fact]
    public void A_patch_that_changes_nothing_keeps_the_version()
    {
        var profile = SampleProfiles.Created(Create(SampleProfiles.Ada()));

        var same = ProfileRules.Apply(profile, 1, new ProfilePatch { DisplayName = new("Ada Lovelace"), HomeCurrency = new("gbp") }, Now.AddHours(1));

        Assert.Equal(profile, SampleProfiles.Created(same));
    }

    [Fact]
    public void A_patch_against_another_version_is_a_mismatch_even_when_invalid()
    {
        var profile = SampleProfiles.Created(Create(SampleProfiles.Ada()));

        var result = ProfileRules.Apply(profile, 7, new ProfilePatch { HomeCurrency = new("nope") }, Now);

        Assert.Equal(profile, Assert.IsType<ProfileResult.VersionMismatch>(result).Current);
    }

    [Fact]
    public void Versions_rise_by_exactly_one_per_effective_change() =>
        Gen.String[1, 40].Where(name => !string.IsNullOrWhiteSpace(name) && !name.Any(char.IsControl)).Array[1, 20]
            .Sample(names =>
            {
                var profile = SampleProfiles.Created(Create(SampleProfiles.Ada()));
                foreach (var name in names)
                {
                    var next = SampleProfiles.Created(ProfileRules.Apply(profile, profile.Version, new ProfilePatch { DisplayName = new(name) }, Now));
                    var changed = next.DisplayName != profile.DisplayName;
                    Assert.Equal(profile.Version + (changed ? 1 : 0), next.Version);
                    Assert.Equal(name.Trim(), next.DisplayName);
                    profile = next;
                }
            });

    [Fact]
    public void Currency_codes_carry_their_minor_units()
    {
        Assert.Equal(2, Currencies.MinorUnits("EUR"));
        Assert.Equal(0, Currencies.MinorUnits("JPY"));
        Assert.Equal(3, Currencies.MinorUnits("KWD"));
        Assert.True(Currencies.TryNormalize("usd", out var usd));
        Assert.Equal("USD", usd);
    }

    [Fact]
    public void Customer_ids_are_prefixed_unique_and_recognised() =>
        Gen.Int[1, 50].Sample(count =>
        {
            var ids = Enumerable.Range(0, count).Select(_ => CustomerId.New()).ToList();
            Assert.All(ids, id => Assert.True(CustomerId.IsWellFormed(id)));
            Assert.Equal(count, ids.Distinct().Count());
        });

    [Theory]
    [InlineData("cus_")]
    [InlineData("cus_ABCDEFGHJKMNPQRSTVWX")]
    [InlineData("usr_0123456789abcdefghjk")]
    [InlineData("cus_0123456789abcdefghjk/")]
    public void Other_strings_are_not_customer_ids(string value) => Assert.False(CustomerId.IsWellFormed(value));
}
