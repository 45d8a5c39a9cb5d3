using Actors.Api.Auth;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Catalog;

/// <summary>
/// The merchant's catalog: every signed-in role reads it; operators change it. A change adds a version of the item, so
/// checkouts made before it keep the price they were created with.
/// </summary>
public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var catalog = app.MapGroup("/v1/catalog").WithTags("Catalog");
        catalog.MapGet("", List).RequireAuthorization(Policies.ReadCatalog)
            .WithSummary("Every item of the catalog, active or not, by SKU.");
        catalog.MapGet("/{sku}", Get).RequireAuthorization(Policies.ReadCatalog)
            .Refuses(StatusCodes.Status404NotFound, ProblemTypes.CatalogItemNotFound)
            .WithSummary("One item as it stands, with its version.");
        catalog.MapPut("/{sku}", Put).RequireAuthorization(Policies.ManageCatalog)
            .WithSummary("State an item (operators): a new version when something changed; durable before the answer.");
        return catalog;
    }

    private static async Task<Ok<CatalogItemView[]>> List(IClusterClient cluster, CancellationToken cancellationToken) =>
        TypedResults.Ok((await Catalog(cluster).List(cancellationToken)).Select(CatalogItemView.From).ToArray());

    private static async Task<Results<Ok<CatalogItemView>, ProblemHttpResult>> Get(string sku, IClusterClient cluster, CancellationToken cancellationToken) =>
        CatalogRules.IsSku(sku) && await Catalog(cluster).Get(sku, cancellationToken) is { } item
            ? TypedResults.Ok(CatalogItemView.From(item))
            : NotFound(sku);

    /// <summary>States the whole item; sending what it already is changes nothing and answers it as it stands.</summary>
    private static async Task<Results<Ok<CatalogItemView>, Created<CatalogItemView>, ValidationProblem>> Put(
        string sku, CatalogItemRequest item, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var result = await Catalog(cluster).Put(sku, new CatalogItemDraft(item.Name, item.UnitPrice, item.Currency, item.Active), cancellationToken);
        return result switch
        {
            CatalogResult.Item { Current.Version: 1, Changed: true } created =>
                TypedResults.Created($"/v1/catalog/{Uri.EscapeDataString(sku)}", CatalogItemView.From(created.Current)),
            CatalogResult.Item current => TypedResults.Ok(CatalogItemView.From(current.Current)),
            CatalogResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            _ => throw new InvalidOperationException($"Unexpected catalog result {result}."),
        };
    }

    private static ICatalogGrain Catalog(IClusterClient cluster) => cluster.GetGrain<ICatalogGrain>(ICatalogGrain.Key);

    private static ProblemHttpResult NotFound(string sku) =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.CatalogItemNotFound, "No such catalog item.",
            extensions: new Dictionary<string, object?> { ["sku"] = sku });
}

/// <summary>An item as an operator states it; an absent <c>active</c> means active.</summary>
public sealed record CatalogItemRequest(string? Name, long? UnitPrice, string? Currency, bool? Active);

public sealed record CatalogItemView(string Sku, long Version, string Name, long UnitPrice, string Currency, bool Active, DateTimeOffset ChangedAt)
{
    public static CatalogItemView From(CatalogItem item) =>
        new(item.Sku, item.Version, item.Name, item.UnitPrice, item.Currency, item.Active, item.ChangedAt);
}

public static class CatalogProblems
{
    /// <summary>A cart line or checkout line names a SKU the catalog has no active item for.</summary>
    public static ProblemHttpResult UnknownSku(string sku) =>
        ApiProblems.Of(StatusCodes.Status422UnprocessableEntity, ProblemTypes.UnknownSku, "No such product.",
            $"The catalog has no active item with SKU '{sku}'.", new Dictionary<string, object?> { ["sku"] = sku });
}
