using Actors.Api.Auth;
using Actors.Grains.Experiments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Experiments;

/// <summary>Operators read how each personalization experiment converts, variant by variant.</summary>
public static class ExperimentsApi
{
    public static RouteGroupBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/v1/experiments").WithTags("Experiments");
        experiments.MapGet("", List).RequireAuthorization(Policies.ReadExperiments);
        return experiments;
    }

    private static async Task<Ok<ExperimentListView>> List(IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reports = await cluster.GetGrain<IExperimentsGrain>(IExperimentsGrain.Key).Tallies(cancellationToken);
        return TypedResults.Ok(new ExperimentListView([.. reports.Select(report => new ExperimentView(report.Id, report.Strategy, report.OfferId,
            [.. report.Variants.Select(variant => new VariantView(variant.Key, variant.Value.Checkouts, variant.Value.Conversions,
                Math.Round(variant.Value.ConversionRate, 4)))]))]));
    }
}

/// <summary>Checkouts created and paid in one variant, counting only customers who allow analytics.</summary>
public sealed record VariantView(string Variant, long Checkouts, long Conversions, double ConversionRate);

/// <param name="Strategy">`method_ranking` or `offer`; null for an experiment no longer configured.</param>
public sealed record ExperimentView(string Id, string? Strategy, string? OfferId, VariantView[] Variants);

public sealed record ExperimentListView(ExperimentView[] Data);
