using Actors.Grains.Limits;

namespace Actors.Grains.Customers;

/// <summary>Spending caps with cooling-off, and self-exclusion.</summary>
public sealed partial class CustomerGrain
{
    public Task<LimitsResult> GetLimits(CancellationToken cancellationToken) =>
        Task.FromResult<LimitsResult>(durable.Profile is null
            ? new LimitsResult.CustomerNotFound()
            : new LimitsResult.Current(LimitsDecider.View(durable, clock.GetUtcNow())));

    /// <summary>The durable caps and the journal's changes of them up to the same event, so the two always agree.</summary>
    public async Task<LimitsHistory?> GetLimitsHistory(CancellationToken cancellationToken)
    {
        if (durable.Profile is null)
        {
            return null;
        }
        var (current, upTo) = (LimitsDecider.View(durable, clock.GetUtcNow()), durableHead);
        var changes = await journal.ReadEvents(CustomerId, [typeof(CapsSet), typeof(SelfExclusionSet)], upTo, cancellationToken);
        return new LimitsHistory(current, [.. changes.Select(entry => entry.Event switch
        {
            CapsSet caps => new LimitChange(entry.Sequence, caps.At, SelfExclusion: false, caps.Limits, caps.CapCurrency),
            SelfExclusionSet exclusion => new LimitChange(entry.Sequence, exclusion.At, SelfExclusion: true, exclusion.Limits, exclusion.CapCurrency),
            _ => throw new InvalidDataException($"A limits row of {CustomerId} holds another event."),
        })]);
    }

    public async Task<LimitsResult> SetLimits(CapRequest caps, CancellationToken cancellationToken)
    {
        var decision = LimitsDecider.Set(state, caps, clock.GetUtcNow(), settings.CoolingOff, StepUpStanding(), CallerChannel(), CallerDevice());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<LimitsResult> SelfExclude(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var decision = LimitsDecider.SelfExclude(state, until, clock.GetUtcNow(), CallerChannel(), CallerDevice());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
