using Actors.Grains.Limits;

namespace Actors.Grains.Customers;

/// <summary>Spending caps with cooling-off, and self-exclusion.</summary>
public sealed partial class CustomerGrain
{
    public Task<LimitsResult> GetLimits(CancellationToken cancellationToken) =>
        Task.FromResult<LimitsResult>(durable.Profile is null
            ? new LimitsResult.CustomerNotFound()
            : new LimitsResult.Current(LimitsDecider.View(durable, clock.GetUtcNow())));

    public async Task<LimitsResult> SetLimits(CapRequest caps, CancellationToken cancellationToken)
    {
        var decision = LimitsDecider.Set(state, caps, clock.GetUtcNow(), settings.CoolingOff, StepUpStanding());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<LimitsResult> SelfExclude(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var decision = LimitsDecider.SelfExclude(state, until, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
