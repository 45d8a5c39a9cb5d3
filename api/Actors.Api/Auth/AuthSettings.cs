using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Actors.Api.Auth;

/// <summary>
/// JWT bearer settings (section <c>Auth</c>). In production <see cref="Authority"/> points at the merchant's
/// identity provider; locally <see cref="SigningKey"/> signs and checks tokens that <c>POST /v1/dev/tokens</c> issues.
/// </summary>
public sealed class AuthSettings : IValidatableObject
{
    public const string Section = "Auth";
    public const int MinSigningKeyLength = 32;

    public string Issuer { get; init; } = "actors";
    public string Audience { get; init; } = "actors-api";

    /// <summary>The identity provider's address; its signing keys are discovered from there.</summary>
    public string? Authority { get; init; }

    /// <summary>A shared secret of at least 32 characters for tokens this API issues or checks itself.</summary>
    public string? SigningKey { get; init; }

    /// <summary>Exposes the development token endpoint. Never on outside a local start.</summary>
    public bool DevTokens { get; init; }

    public TimeSpan DevTokenLifetime { get; init; } = TimeSpan.FromHours(8);

    public SymmetricSecurityKey? IssuerKey() =>
        SigningKey is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return new ValidationResult("Set Auth:Authority (the identity provider) or Auth:SigningKey (a local signing secret).");
        }
        if (SigningKey is { Length: < MinSigningKeyLength })
        {
            yield return new ValidationResult($"Auth:SigningKey must be at least {MinSigningKeyLength} characters.");
        }
        if (DevTokens && string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return new ValidationResult("Auth:DevTokens needs Auth:SigningKey to sign the tokens it issues.");
        }
    }
}
