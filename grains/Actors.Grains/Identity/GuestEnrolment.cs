using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Profiles;

namespace Actors.Grains.Identity;

/// <summary>
/// A guest profile a store till creates for a loyalty card nobody holds yet: the profile and the card's claim are one
/// decision, so the claim protocol makes it race-free (of two guests claiming one card, the loser commits nothing).
/// </summary>
public static class GuestEnrolment
{
    /// <summary>
    /// The id of the guest one till's request enrols: derived from the till and the request's Idempotency-Key, so a
    /// retry finds the guest its first attempt made instead of making a second one.
    /// </summary>
    public static string GuestIdFor(string tillId, string idempotencyKey)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"pos-guest\n{tillId}\n{idempotencyKey}"));
        return RandomIds.FromBytes(CustomerId.Prefix, digest);
    }

    /// <summary>
    /// Creates the guest holding <paramref name="card"/>. A guest that exists already is the answer when it holds the
    /// card (a retry); <see cref="ProfileResult.AlreadyExists"/> when it does not (the key was used for another card).
    /// </summary>
    public static Decision<ProfileResult> Enrol(CustomerState state, string customerId, ProfileDraft draft, Identifier card, DateTimeOffset now)
    {
        if (state.Profile is { } existing)
        {
            return Decision.Answer<ProfileResult>(state.Identities.Contains(card.Key)
                ? new ProfileResult.Found(existing)
                : new ProfileResult.AlreadyExists(existing));
        }
        var created = ProfileDecider.Create(state, customerId, draft, now);
        return created.Answer is ProfileResult.Found
            ? created with { Events = [.. created.Events, new IdentityClaimed(card) { At = now }] }
            : created;
    }
}
