using Actors.Grains.Erasure;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// The identifiers the customer holds, kept in agreement with their identity grains. A decision that claims or
/// releases identifiers goes in three steps: the identity grains are told first (a claim is recorded unsettled, a
/// release is marked as under way), then the events are committed to the journal, then the identity grains are settled.
/// A crash at any point leaves an unsettled claim, which its identity grain settles by asking <see cref="Holds"/>.
/// </summary>
public sealed partial class CustomerGrain
{
    /// <summary>Identifier keys being claimed or released by a decision in progress, with how many decisions each.</summary>
    private readonly Dictionary<string, int> changingIdentities = [];

    public async Task<IdentityResult> ClaimIdentity(Identifier identifier, CancellationToken cancellationToken) =>
        await DecideWithIdentities(
            () => IdentityDecider.Claim(state, identifier, clock.GetUtcNow()),
            taken => new IdentityResult.Taken(taken));

    public async Task<IdentityResult> ReleaseIdentity(Identifier identifier, CancellationToken cancellationToken) =>
        await DecideWithIdentities(
            () => IdentityDecider.Release(state, identifier, clock.GetUtcNow()),
            taken => new IdentityResult.Taken(taken));

    public Task<IReadOnlyList<Identifier>?> GetIdentities(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Identifier>?>(durable.Profile is null ? null : [.. durable.Identities.Select(Identifier.Parse)]);

    public async Task<Holding> Holds(string identityKey, CancellationToken cancellationToken)
    {
        // The identity grain knows its identifier only by its keyed hash; the customer holds a handful of identifiers.
        bool Names(string identifierKey) => identityKeys.GrainKey(identifierKey) == identityKey;
        if (changingIdentities.Keys.Any(Names))
        {
            return Holding.Changing;
        }
        // Only what the journal keeps counts: wait for what is being written.
        await Commit([]);
        return changingIdentities.Keys.Any(Names) ? Holding.Changing
            : durable.Identities.Any(Names) ? Holding.Holds
            : Holding.DoesNotHold;
    }

    /// <summary>
    /// Takes the decision <paramref name="decide"/> makes, with the identifiers it claims and releases agreed with their
    /// identity grains around its commit; <paramref name="taken"/> answers when another customer holds one it claims
    /// (nothing is committed then). A claim of an identifier kept in <see cref="Privacy.Exclusions"/> self-excludes the
    /// customer with the same commit. This is the path every change of identifiers takes: profile changes, claims and
    /// releases of cards and devices, and the releases of erasure and merge (a decision that emits
    /// <see cref="IdentityDecider.ReleaseAll"/>).
    /// </summary>
    private async Task<TAnswer> DecideWithIdentities<TAnswer>(Func<Decision<TAnswer>> decide, Func<Identifier, TAnswer> taken)
    {
        var decision = decide();
        for (var attempt = 0; ; attempt++)
        {
            var (claims, releases) = IdentityChanges(decision);
            if (claims.Count == 0 && releases.Count == 0)
            {
                await Commit(decision.Events);
                return decision.Answer;
            }

            var changing = claims.Concat(releases).Select(identifier => identifier.Key).ToList();
            Changing(changing, +1);
            try
            {
                var claimed = new List<Identifier>();
                foreach (var identifier in claims)
                {
                    if (!await IdentityOf(identifier).Claim(CustomerId))
                    {
                        await Undo(claimed, []);
                        return taken(identifier);
                    }
                    claimed.Add(identifier);
                }
                foreach (var identifier in releases)
                {
                    await IdentityOf(identifier).BeginRelease(CustomerId);
                }
                // An identifier an erased, self-excluded customer held brings their exclusion with it, in the same commit.
                var inherited = claims.Count == 0 ? null
                    : await exclusions.Until([.. claims.Select(identityKeys.GrainKey)], clock.GetUtcNow(), CancellationToken.None);

                // Other commands ran meanwhile: decide again, and go on only if it still changes the same identifiers.
                var again = decide();
                var (claimsAgain, releasesAgain) = IdentityChanges(again);
                if (!claimsAgain.SequenceEqual(claims) || !releasesAgain.SequenceEqual(releases))
                {
                    await Undo(claimed, releases);
                    if (attempt >= 3)
                    {
                        throw new InvalidOperationException($"The identifiers of {CustomerId} kept changing under a decision.");
                    }
                    decision = again;
                    continue;
                }

                var events = inherited is { } until
                    ? again.Events.AddRange(ErasureDecider.InheritExclusion(CustomerEvolution.ApplyAll(state, again.Events), until, clock.GetUtcNow()))
                    : again.Events;
                await Commit(events);
                await Settle(claims, releases);
                return again.Answer;
            }
            finally
            {
                Changing(changing, -1);
            }
        }
    }

    private static (List<Identifier> Claims, List<Identifier> Releases) IdentityChanges<TAnswer>(Decision<TAnswer> decision) =>
        ([.. decision.Events.OfType<IdentityClaimed>().Select(claimed => claimed.Identifier)],
         [.. decision.Events.OfType<IdentityReleased>().Select(released => released.Identifier)]);

    /// <summary>After the commit: the claims are the customer's, the releases free. A failure here is left to the identity grains' reminders.</summary>
    private async Task Settle(List<Identifier> claims, List<Identifier> releases)
    {
        try
        {
            foreach (var identifier in claims)
            {
                var identity = IdentityOf(identifier);
                // Given back meanwhile by an overlapping decision of this customer that gave up: it is ours again.
                if (!await identity.Confirm(CustomerId) && !(await identity.Claim(CustomerId) && await identity.Confirm(CustomerId)))
                {
                    LogLost(log, CustomerId, identifier.Key);
                }
            }
            foreach (var identifier in releases)
            {
                await IdentityOf(identifier).Release(CustomerId);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnsettled(log, CustomerId, exception.GetType().Name, exception.Message);
        }
    }

    /// <summary>Nothing was committed: what was claimed is given back, what was to be released is still held.</summary>
    private async Task Undo(List<Identifier> claimed, List<Identifier> releasing)
    {
        // An identifier another decision in progress is also changing is left to that decision (or to the reminder).
        foreach (var identifier in claimed.Where(identifier => !state.Identities.Contains(identifier.Key) && changingIdentities.GetValueOrDefault(identifier.Key) <= 1))
        {
            await IdentityOf(identifier).Release(CustomerId);
        }
        foreach (var identifier in releasing.Where(identifier => state.Identities.Contains(identifier.Key)))
        {
            await IdentityOf(identifier).Confirm(CustomerId);
        }
    }

    private void Changing(List<string> keys, int by)
    {
        foreach (var key in keys)
        {
            var count = changingIdentities.GetValueOrDefault(key) + by;
            if (count > 0)
            {
                changingIdentities[key] = count;
            }
            else
            {
                changingIdentities.Remove(key);
            }
        }
    }

    private IIdentityGrain IdentityOf(Identifier identifier) => identityKeys.Grain(GrainFactory, identifier);

    [LoggerMessage(Level = LogLevel.Error, Message = "{CustomerId} committed {Identity}, but another customer holds it now")]
    private static partial void LogLost(ILogger logger, string customerId, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identifiers of {CustomerId} committed but not yet settled ({ExceptionType}: {Reason}); their reminders will")]
    private static partial void LogUnsettled(ILogger logger, string customerId, string exceptionType, string reason);
}
