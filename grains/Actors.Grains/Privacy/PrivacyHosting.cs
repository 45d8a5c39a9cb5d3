using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Privacy;

public static class PrivacyHosting
{
    /// <summary>
    /// The <c>Privacy</c> keys (validated at start: a missing or malformed key stops the host), the identity grain keys,
    /// and customers' data keys in the database <paramref name="database"/> picks.
    /// </summary>
    public static IServiceCollection AddActorsPrivacy(this IServiceCollection services, Func<IServiceProvider, NpgsqlDataSource> database)
    {
        services.AddOptions<PrivacySettings>()
            .BindConfiguration(PrivacySettings.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacySettings>, PrivacySettingsValidation>();
        services.AddSingleton<MasterKeyRing>();
        services.AddSingleton<IdentityKeys>();
        services.AddSingleton(provider => new CustomerKeys(database(provider), provider.GetRequiredService<MasterKeyRing>()));
        services.AddSingleton(provider => new Exclusions(database(provider)));
        return services;
    }

}

/// <summary>Names every problem of the <c>Privacy</c> section at start, and the README section that says how to set it.</summary>
internal sealed class PrivacySettingsValidation : IValidateOptions<PrivacySettings>
{
    public ValidateOptionsResult Validate(string? name, PrivacySettings options) =>
        options.Problems() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems.Append("See the README, Encryption at rest."))
            : ValidateOptionsResult.Success;
}
