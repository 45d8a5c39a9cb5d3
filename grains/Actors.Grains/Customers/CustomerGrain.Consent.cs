using Actors.Grains.Consent;
using Actors.Grains.Sessions;

namespace Actors.Grains.Customers;

/// <summary>Consent: the current decisions are in the state, their history in the journal.</summary>
public sealed partial class CustomerGrain
{
    /// <summary>The durable consents and the journal's history up to the same event, so the two always agree.</summary>
    public async Task<ConsentResult> GetConsents(CancellationToken cancellationToken)
    {
        if (durable.Profile is null)
        {
            return new ConsentResult.CustomerNotFound();
        }
        var (consents, upTo) = (durable.Consents, durableHead);
        var history = await journal.ReadConsents(CustomerId, upTo, cancellationToken);
        return new ConsentResult.Current(consents, [.. history.Select(recorded => recorded.Decision)]);
    }

    public async Task<ConsentResult> RecordConsent(ConsentPurpose purpose, ConsentDraft draft, CancellationToken cancellationToken)
    {
        var caller = RequestContext.Get(Caller.ContextKey) as Caller;
        var decision = ConsentDecider.Record(state, purpose, draft, CallerChannel(), caller?.DeviceId, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
