using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Grains.Experiments;

/// <summary>What an experiment turns off for half of the customers.</summary>
public enum ExperimentStrategy
{
    /// <summary>Cards ranked by the customer's own successes (with consent), or the neutral order.</summary>
    MethodRanking,

    /// <summary>One configured offer shown (when it applies), or not.</summary>
    Offer,
}

/// <summary>An experiment as operators configure it (<c>Personalization:Experiments</c>).</summary>
public sealed record ExperimentSettings
{
    public string Id { get; init; } = "";
    public ExperimentStrategy Strategy { get; init; }

    /// <summary>The offer an <see cref="ExperimentStrategy.Offer"/> experiment shows or hides.</summary>
    public string? OfferId { get; init; }
}

/// <summary>
/// Stable assignment of customers to variants: a hash of the experiment and the customer id, so a customer sees the
/// same variant on every channel and after every restart, with no assignment stored anywhere.
/// </summary>
public static class ExperimentAssignment
{
    /// <summary>The strategy works as it would without the experiment.</summary>
    public const string On = "on";

    /// <summary>The comparison group: the strategy is left out.</summary>
    public const string Off = "off";

    public static string VariantOf(string experimentId, string customerId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{experimentId}\n{customerId}"), hash);
        return (hash[0] & 1) == 0 ? On : Off;
    }

    /// <summary>Every configured experiment's variant for the customer, by experiment id.</summary>
    public static ImmutableSortedDictionary<string, string> Of(IEnumerable<ExperimentSettings> experiments, string customerId) =>
        experiments.Where(experiment => experiment.Id.Length > 0)
            .ToImmutableSortedDictionary(experiment => experiment.Id, experiment => VariantOf(experiment.Id, customerId), StringComparer.Ordinal);

    /// <summary>Whether the customer's variants leave <paramref name="strategy"/> (for that offer) out.</summary>
    public static bool TurnsOff(IEnumerable<ExperimentSettings> experiments, IReadOnlyDictionary<string, string> variants, ExperimentStrategy strategy, string? offerId = null) =>
        experiments.Any(experiment => experiment.Strategy == strategy
            && (strategy != ExperimentStrategy.Offer || experiment.OfferId == offerId)
            && variants.GetValueOrDefault(experiment.Id) == Off);
}

/// <summary>Checkouts created and paid in one variant of an experiment, of customers who granted <c>analytics</c>.</summary>
[GenerateSerializer, Immutable, Alias("variant-tally-v1")]
public sealed record VariantTally([property: Id(0)] long Checkouts, [property: Id(1)] long Conversions)
{
    public double ConversionRate => Checkouts == 0 ? 0 : (double)Conversions / Checkouts;
}

[GenerateSerializer, Immutable, Alias("experiment-report-v1")]
public sealed record ExperimentReport(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Strategy,
    [property: Id(2)] string? OfferId,
    [property: Id(3)] ImmutableSortedDictionary<string, VariantTally> Variants);

/// <summary>The tallies of every experiment, by experiment id and variant.</summary>
[GenerateSerializer, Alias("experiment-tallies-v1")]
public sealed class ExperimentTallies
{
    [Id(0)] public Dictionary<string, Dictionary<string, VariantTally>> Experiments { get; set; } = [];
}

/// <summary>Counts conversions (checkout created → payment succeeded) per experiment and variant, for operators.</summary>
[Alias("experiments-grain")]
public interface IExperimentsGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("count"), Orleans.Concurrency.OneWay]
    Task Count(ImmutableSortedDictionary<string, string> variants, bool converted);

    /// <summary>Every configured experiment with the tally of each variant, and any counted experiment no longer configured.</summary>
    [Alias("tallies"), Orleans.Concurrency.ReadOnly]
    Task<ImmutableList<ExperimentReport>> Tallies(CancellationToken cancellationToken = default);
}
