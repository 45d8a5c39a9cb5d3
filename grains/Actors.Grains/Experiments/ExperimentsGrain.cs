using System.Collections.Immutable;
using Actors.Grains.Hosting;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Experiments;

/// <summary>
/// The tallies of all experiments. Counts arrive one way from customer grains once the events they count are durable,
/// and are written to grain storage at most a second later, so a silo crash can lose at most that second of counts
/// (the journal keeps every checkout and payment; the tallies are figures, not records).
/// </summary>
public sealed class ExperimentsGrain(
    [PersistentState("experiments", StorageNames.Customers)] IPersistentState<ExperimentTallies> tallies,
    IOptions<PersonalizationSettings> settings,
    PaymentMetrics metrics) : Grain, IExperimentsGrain
{
    private static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(1);

    private bool dirty;
    private IGrainTimer? writer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        writer = this.RegisterGrainTimer(WriteIfChanged, new GrainTimerCreationOptions(WriteEvery, WriteEvery));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        writer?.Dispose();
        await WriteIfChanged(cancellationToken);
    }

    public Task Count(ImmutableSortedDictionary<string, string> variants, bool converted)
    {
        foreach (var (experiment, variant) in variants)
        {
            var byVariant = tallies.State.Experiments.TryGetValue(experiment, out var found) ? found : tallies.State.Experiments[experiment] = [];
            var tally = byVariant.GetValueOrDefault(variant) ?? new VariantTally(0, 0);
            byVariant[variant] = converted ? tally with { Conversions = tally.Conversions + 1 } : tally with { Checkouts = tally.Checkouts + 1 };
            metrics.ExperimentCounted(experiment, variant, converted);
        }
        dirty = true;
        return Task.CompletedTask;
    }

    public Task<ImmutableList<ExperimentReport>> Tallies(CancellationToken cancellationToken)
    {
        var configured = settings.Value.Experiments.Where(experiment => experiment.Id.Length > 0).ToDictionary(experiment => experiment.Id);
        var reports = configured.Keys.Union(tallies.State.Experiments.Keys).Order(StringComparer.Ordinal).Select(id =>
        {
            var counted = tallies.State.Experiments.GetValueOrDefault(id) ?? [];
            var variants = new[] { ExperimentAssignment.On, ExperimentAssignment.Off }.Union(counted.Keys)
                .ToImmutableSortedDictionary(variant => variant, variant => counted.GetValueOrDefault(variant) ?? new VariantTally(0, 0), StringComparer.Ordinal);
            var experiment = configured.GetValueOrDefault(id);
            return new ExperimentReport(id, experiment is null ? null : Strategy(experiment.Strategy), experiment?.OfferId, variants);
        });
        return Task.FromResult(reports.ToImmutableList());
    }

    private static string Strategy(ExperimentStrategy strategy) => strategy switch
    {
        ExperimentStrategy.MethodRanking => "method_ranking",
        ExperimentStrategy.Offer => "offer",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };

    private async Task WriteIfChanged(CancellationToken cancellationToken)
    {
        if (dirty)
        {
            dirty = false;
            await tallies.WriteStateAsync(cancellationToken);
        }
    }
}
