using Actors.Api.Auth;
using Actors.Api.Catalog;
using Actors.Api.Customers;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Grains.Carts;
using Actors.Grains.Customers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Actors.Api.Carts;

/// <summary>The one cart a customer shares across devices; every change names the version it starts from (If-Match).</summary>
public static class CartApi
{
    public static RouteGroupBuilder MapCartApi(this IEndpointRouteBuilder app)
    {
        var cart = app.MapCustomerGroup("/cart").WithTags("Cart").SendsETag();
        cart.MapGet("", Get).RequireAuthorization(Policies.ReadCustomer);
        cart.MapPost("/items", PutLine).RequireAuthorization(Policies.WriteCustomer)
            .Refuses(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch)
            .Refuses(StatusCodes.Status422UnprocessableEntity, ProblemTypes.UnknownSku)
            .Refuses(StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired);
        cart.MapDelete("/items/{sku}", RemoveLine).RequireAuthorization(Policies.WriteCustomer)
            .Refuses(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch)
            .Refuses(StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired);
        return cart;
    }

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> Get(
        string customerId, IClusterClient cluster, HttpContext http, CancellationToken cancellationToken) =>
        Respond(await cluster.GetGrain<ICustomerGrain>(customerId).GetCart(cancellationToken), http);

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> PutLine(
        string customerId, CartLineRequest line, [FromHeader(Name = "If-Match")] string? ifMatch,
        IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (ifMatch is null)
        {
            return ApiProblems.IfMatchRequired("cart");
        }
        var expected = EntityTag.TryParse(ifMatch, out var version) ? version : -1;
        var result = await cluster.GetGrain<ICustomerGrain>(customerId).PutCartLine(expected, line.ToDraft(), cancellationToken);
        return Respond(result, http);
    }

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> RemoveLine(
        string customerId, string sku, [FromHeader(Name = "If-Match")] string? ifMatch,
        IClusterClient cluster, HttpContext http, CancellationToken cancellationToken)
    {
        if (ifMatch is null)
        {
            return ApiProblems.IfMatchRequired("cart");
        }
        var expected = EntityTag.TryParse(ifMatch, out var version) ? version : -1;
        return Respond(await cluster.GetGrain<ICustomerGrain>(customerId).RemoveCartLine(expected, sku, cancellationToken), http);
    }

    /// <summary>The cart with its version as ETag; a stale version gets 412 with the current cart, to merge and retry.</summary>
    private static Results<Ok<CartView>, ValidationProblem, ProblemHttpResult> Respond(CartResult result, HttpContext http)
    {
        switch (result)
        {
            case CartResult.Updated updated:
                http.Response.Headers.ETag = EntityTag.Of(updated.Cart.Version);
                return TypedResults.Ok(CartView.From(updated.Cart));
            case CartResult.Invalid invalid:
                return ApiProblems.Validation(invalid.Errors);
            case CartResult.UnknownSku unknown:
                return CatalogProblems.UnknownSku(unknown.Sku);
            case CartResult.VersionMismatch mismatch:
                http.Response.Headers.ETag = EntityTag.Of(mismatch.Current.Version);
                return ApiProblems.Of(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch,
                    "The cart has changed since you read it.",
                    "Another device changed the cart. Apply your change to the current cart and send its version in If-Match.",
                    new Dictionary<string, object?> { ["currentVersion"] = mismatch.Current.Version, ["cart"] = CartView.From(mismatch.Current) });
            default:
                return ApiProblems.CustomerNotFound();
        }
    }
}

/// <summary>What a device sends: a SKU and a quantity. A price, name or currency is an unknown member and refused.</summary>
public sealed record CartLineRequest(string? Sku, int Quantity)
{
    public CartItemDraft ToDraft() => new(Sku, Quantity);
}

/// <summary>A line at the price the catalog gave it when it was set (<c>catalogVersion</c>: the item's version then).</summary>
public sealed record CartLineView(string Sku, string Name, long UnitPrice, string Currency, int Quantity, long Amount, long CatalogVersion);

public sealed record CartView(long Version, string? Currency, long Total, CartLineView[] Lines, DateTimeOffset? UpdatedAt)
{
    public static CartView From(Cart cart) => new(
        cart.Version,
        cart.Currency,
        cart.Total,
        [.. cart.Lines.Select(line => new CartLineView(line.Sku, line.Name, line.UnitPrice, line.Currency, line.Quantity, line.UnitPrice * line.Quantity, line.CatalogVersion))],
        cart.UpdatedAt);
}
