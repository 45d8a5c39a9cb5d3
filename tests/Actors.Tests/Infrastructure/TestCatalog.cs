using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using Actors.Grains.Carts;
using Actors.Grains.Catalog;
using Actors.Grains.Checkouts;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Making sure the catalog prices what a test buys. A test that needs "coffee beans at 1,450 EUR" uses the SKU of that
/// price and currency (<see cref="Sku"/>), so tests sharing one catalog never change each other's prices.
/// </summary>
public static class TestCatalog
{
    public static readonly DateTimeOffset ChangedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The SKU of <paramref name="sku"/> at <paramref name="unitPrice"/> in <paramref name="currency"/>, e.g. <c>beans-eur-1450</c>.</summary>
    public static string Sku(string sku, long unitPrice, string currency) => $"{sku}-{currency.ToLowerInvariant()}-{unitPrice}";

    public static CatalogItem Item(string sku, string name, long unitPrice, string currency = "EUR", long version = 1, bool active = true) =>
        new(sku, version, name, unitPrice, currency, active, ChangedAt);

    /// <summary>A price lookup for the pure rules that knows exactly <paramref name="items"/>.</summary>
    public static Func<string, CatalogItem?> Of(params CatalogItem[] items)
    {
        var prices = new PriceList(items.ToDictionary(item => item.Sku, StringComparer.Ordinal).ToImmutableDictionary(StringComparer.Ordinal));
        return prices.Find;
    }

    /// <summary>
    /// A price lookup for the pure rules that prices every <see cref="Sku"/>-shaped SKU (<c>mug-eur-900</c>) at what it
    /// names, as <paramref name="name"/>: for rules tested over many prices.
    /// </summary>
    public static Func<string, CatalogItem?> ByName(string name) => sku =>
    {
        var parts = sku.Split('-');
        return parts.Length >= 3 && long.TryParse(parts[^1], out var price)
            ? Item(sku, name, price, parts[^2].ToUpperInvariant())
            : null;
    };

    /// <summary>Puts the item through the operator API (a new version only if it differs), expecting it stored.</summary>
    public static async Task<long> Ensure(HttpClient operatorClient, string sku, string name, long unitPrice, string currency = "EUR")
    {
        var response = await operatorClient.PutAsJsonAsync($"/v1/catalog/{sku}", new { name, unitPrice, currency, active = true });
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"PUT /v1/catalog/{sku}: {(int)response.StatusCode}");
        return (await HttpAssert.Json(response, response.StatusCode)).GetProperty("version").GetInt64();
    }

    /// <summary>Puts the item through the catalog grain (for cluster tests), expecting it stored.</summary>
    public static async Task<CatalogItem> Ensure(IClusterClient cluster, string sku, string name, long unitPrice, string currency = "EUR") =>
        Assert.IsType<CatalogResult.Item>(await cluster.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
            .Put(sku, new CatalogItemDraft(name, unitPrice, currency, Active: true))).Current;

    /// <summary>A cart line of <paramref name="quantity"/> × <paramref name="sku"/>, which the catalog sells at <paramref name="unitPrice"/>.</summary>
    public static async Task<CartItemDraft> Stocked(IClusterClient cluster, string sku, string name, long unitPrice, string currency = "EUR", int quantity = 1)
    {
        await Ensure(cluster, sku, name, unitPrice, currency);
        return new CartItemDraft(sku, quantity);
    }

    /// <summary>A checkout of one line of coffee beans at <paramref name="unitPrice"/> (its own SKU for that price).</summary>
    public static async Task<CheckoutDraft> OneLine(IClusterClient cluster, long unitPrice, string currency = "EUR")
    {
        var sku = Sku("sku-1", unitPrice, currency);
        await Ensure(cluster, sku, "Coffee beans", unitPrice, currency);
        return new CheckoutDraft([new CheckoutDraftLine(sku, 1)], null);
    }
}
