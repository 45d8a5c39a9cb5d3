using System.Security.Cryptography;
using System.Text;

namespace Actors.Grains.Privacy;

/// <summary>
/// AES-GCM from the .NET library, with a random 12-byte nonce per message and a 16-byte tag. A sealed message is
/// <c>version (1) | nonce (12) | tag (16) | ciphertext</c>; the version byte lets the format change later. The
/// associated data binds a message to where it belongs (whose, what, which sequence), so a sealed value copied to
/// another row or customer does not open.
/// </summary>
public static class Sealing
{
    public const int KeyBytes = 32;
    public const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int Overhead = 1 + NonceBytes + TagBytes;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associated)
    {
        var sealedBytes = new byte[Overhead + plaintext.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(1 + NonceBytes, TagBytes), associated);
        return sealedBytes;
    }

    /// <summary>The plaintext of <paramref name="sealedBytes"/>.</summary>
    /// <exception cref="InvalidDataException">It was changed, sealed with another key or for another place, or is no sealed message.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associated)
    {
        if (sealedBytes.Length < Overhead || sealedBytes[0] != Version)
        {
            throw new InvalidDataException("The value is not sealed in a known format.");
        }
        var plaintext = new byte[sealedBytes.Length - Overhead];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.Slice(1, NonceBytes), sealedBytes[Overhead..], sealedBytes.Slice(1 + NonceBytes, TagBytes), plaintext, associated);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException("The sealed value does not open: it was changed, or belongs elsewhere or to another key.", exception);
        }
        return plaintext;
    }

    /// <summary>Associated data from parts that never hold a NUL (ids, purposes, numbers), NUL-separated so no two lists meet.</summary>
    public static byte[] Associated(params ReadOnlySpan<string> parts) => Encoding.UTF8.GetBytes(string.Join('\0', parts.ToArray()));
}
