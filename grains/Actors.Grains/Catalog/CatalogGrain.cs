using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Actors.Grains.Catalog;

/// <summary>
/// Loads the newest version of every SKU on activation, adds the configured seed items the table does not have, and
/// answers reads from memory. Not reentrant: reads are <c>[ReadOnly]</c> and interleave with each other, while a change
/// runs alone, so versions are numbered without a race.
/// </summary>
public sealed class CatalogGrain(ICatalogStore store, IOptions<CatalogSettings> settings, TimeProvider clock) : Grain, ICatalogGrain
{
    private ImmutableSortedDictionary<string, CatalogItem> items = ImmutableSortedDictionary.Create<string, CatalogItem>(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        var now = clock.GetUtcNow();
        var seeded = false;
        foreach (var (sku, seed) in settings.Value.Items)
        {
            if (!items.ContainsKey(sku) && CatalogRules.Put(null, sku, seed.ToDraft(), now) is CatalogResult.Item { Current: var item })
            {
                // Another silo seeding at the same moment is fine: the first row wins and the reload below reads it.
                await store.Append(item, cancellationToken);
                seeded = true;
            }
        }
        if (seeded)
        {
            await Load(cancellationToken);
        }
    }

    public Task<ImmutableList<CatalogItem>> List(CancellationToken cancellationToken) => Task.FromResult(items.Values.ToImmutableList());

    public Task<CatalogItem?> Get(string sku, CancellationToken cancellationToken) =>
        Task.FromResult(items.TryGetValue(sku, out var item) ? item : null);

    public Task<PriceList> Prices(ImmutableArray<string> skus, CancellationToken cancellationToken)
    {
        var found = ImmutableDictionary.CreateBuilder<string, CatalogItem>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            if (items.TryGetValue(sku, out var item))
            {
                found[sku] = item;
            }
        }
        return Task.FromResult(new PriceList(found.ToImmutable()));
    }

    public async Task<CatalogResult> Put(string sku, CatalogItemDraft draft, CancellationToken cancellationToken)
    {
        var result = CatalogRules.Put(items.GetValueOrDefault(sku), sku, draft, clock.GetUtcNow());
        if (result is not CatalogResult.Item { Changed: true, Current: var next })
        {
            return result;
        }
        if (!await store.Append(next, CancellationToken.None))
        {
            // Another activation wrote this version: memory is behind the table, so this one steps aside.
            DeactivateOnIdle();
            throw new InconsistentStateException($"Version {next.Version} of {sku} was written by another writer; retry.");
        }
        items = items.SetItem(sku, next);
        return result;
    }

    private async Task Load(CancellationToken cancellationToken) =>
        items = (await store.LoadCurrent(cancellationToken)).ToImmutableSortedDictionary(item => item.Sku, item => item, StringComparer.Ordinal);
}
