using Actors.Grains.Customers;
using Actors.Grains.Journal;

namespace Actors.Grains.Consent;

/// <summary>Recording a customer's consent decisions, as decisions over the customer's state.</summary>
public static class ConsentDecider
{
    /// <summary>
    /// Records <paramref name="draft"/> for <paramref name="purpose"/>, stamped with <paramref name="now"/>, the channel
    /// and the device. Stating again what is already recorded (same grant or withdrawal, same policy version) appends
    /// nothing and answers the same.
    /// </summary>
    public static Decision<ConsentResult> Record(
        CustomerState state, ConsentPurpose purpose, ConsentDraft draft, string channel, string? deviceId, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<ConsentResult>(new ConsentResult.CustomerNotFound());
        }
        if (!ConsentPurposes.IsKnown(purpose))
        {
            return Decision.Answer<ConsentResult>(new ConsentResult.UnknownPurpose());
        }
        if (ConsentRules.Check(draft) is { Count: > 0 } errors)
        {
            return Decision.Answer<ConsentResult>(new ConsentResult.Invalid(errors));
        }
        var granted = draft.Granted!.Value;
        if (state.Consents.LatestFor(purpose) is { } latest && latest.Granted == granted && latest.PolicyVersion == draft.PolicyVersion)
        {
            return Decision.Answer<ConsentResult>(new ConsentResult.Current(state.Consents, History: null));
        }
        var recorded = new ConsentRecorded(purpose, granted, draft.PolicyVersion!, channel, deviceId) { At = now };
        return Decision.Emit<ConsentResult>(new ConsentResult.Current(state.Consents.With(recorded.Decision), History: null), recorded);
    }
}
