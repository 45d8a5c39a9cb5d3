using Actors.Grains.Retention;

namespace Actors.Grains.Customers;

/// <summary>Retention: what aged out leaves the state, then the journal (see <see cref="IRetentionGrain"/>).</summary>
public sealed partial class CustomerGrain
{
    public async Task<AgedDataPurge> RemoveAgedData(RetentionCutoffs cutoffs, CancellationToken cancellationToken)
    {
        if (state.Profile is null)
        {
            return AgedDataPurge.None;
        }
        if (AgedData.Decide(state, cutoffs, clock.GetUtcNow()) is { } removed)
        {
            await Commit([removed]);
        }
        // Rows go only where a snapshot covers them, so a later activation never replays past a gap.
        var (covered, upTo) = (durable, durableHead);
        if (eventsSinceSnapshot > 0)
        {
            await journal.Append(CustomerId, upTo, [], covered, cancellationToken, auditHead);
            eventsSinceSnapshot = (int)(durableHead - upTo);
        }
        return await journal.RemoveAgedData(CustomerId, cutoffs, upTo, cancellationToken);
    }
}
