using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Identity;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Privacy;

/// <summary>
/// The grain key of an identifier's <see cref="IIdentityGrain"/>: its kind and a keyed hash (HMAC-SHA256 with
/// <c>Privacy:IdentifierKey</c>) of the normalized identifier, e.g. <c>email:7k2…</c>. Orleans keeps grain keys in its
/// storage and reminder tables in the clear, so the address itself must never be one. Everyone who gets an identity
/// grain gets its key here.
/// </summary>
public sealed class IdentityKeys
{
    private readonly byte[] key;

    public IdentityKeys(IOptions<PrivacySettings> options) =>
        key = PrivacySettings.Decode(options.Value.IdentifierKey)
            ?? throw new InvalidOperationException($"{PrivacySettings.Section}:IdentifierKey is not a base64 32-byte key.");

    public string GrainKey(Identifier identifier) =>
        RandomIds.FromBytes(identifier.Kind + ":", HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(identifier.Key)));

    /// <inheritdoc cref="GrainKey(Identifier)"/>
    public string GrainKey(string identifierKey) => GrainKey(Identifier.Parse(identifierKey));

    public IIdentityGrain Grain(IGrainFactory grains, Identifier identifier) => grains.GetGrain<IIdentityGrain>(GrainKey(identifier));
}
