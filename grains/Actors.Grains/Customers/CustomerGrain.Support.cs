using Actors.Grains.Support;

namespace Actors.Grains.Customers;

/// <summary>Support reads: each one is journaled before it is answered.</summary>
public sealed partial class CustomerGrain
{
    public async Task<bool> RecordSupportAccess(string reader, string what, CancellationToken cancellationToken)
    {
        var decision = SupportDecider.Access(state, reader, what, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
