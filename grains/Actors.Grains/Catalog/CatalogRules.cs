using System.Text.RegularExpressions;
using Actors.Grains.Money;

namespace Actors.Grains.Catalog;

/// <summary>What a catalog item may be, and when a change is a new version: pure, no clock or I/O of its own.</summary>
public static partial class CatalogRules
{
    public const int MaxSku = 64;
    public const int MaxName = 200;

    /// <summary>Whether <paramref name="sku"/> has the shape every SKU has: 1–64 letters, digits, '.', '_' or '-'.</summary>
    public static bool IsSku(string? sku) => !string.IsNullOrEmpty(sku) && sku.Length <= MaxSku && SkuShape().IsMatch(sku);

    public static string SkuRule => $"is required: 1–{MaxSku} letters, digits, '.', '_' or '-'";

    /// <summary>
    /// The item <paramref name="draft"/> makes of <paramref name="sku"/>: the current one unchanged when nothing differs,
    /// else the next version, stamped <paramref name="now"/>.
    /// </summary>
    public static CatalogResult Put(CatalogItem? current, string sku, CatalogItemDraft draft, DateTimeOffset now)
    {
        var errors = Validate(sku, draft, out var name, out var currency);
        if (errors.Count > 0)
        {
            return new CatalogResult.Invalid(errors);
        }
        var next = new CatalogItem(sku, (current?.Version ?? 0) + 1, name, draft.UnitPrice!.Value, currency, draft.Active ?? true, now);
        return current is not null && SameItem(current, next)
            ? new CatalogResult.Item(current, Changed: false)
            : new CatalogResult.Item(next, Changed: true);
    }

    /// <summary>Field errors keyed by JSON name; <paramref name="name"/> is trimmed and <paramref name="currency"/> upper case.</summary>
    public static Dictionary<string, string[]> Validate(string sku, CatalogItemDraft draft, out string name, out string currency)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsSku(sku))
        {
            errors["sku"] = [SkuRule];
        }
        name = draft.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxName || name.Any(char.IsControl))
        {
            errors["name"] = [$"is required: 1–{MaxName} printable characters"];
        }
        if (draft.UnitPrice is not (> 0 and <= Amounts.Max))
        {
            errors["unitPrice"] = [$"is required: a whole number of minor units from 1 to {Amounts.Max}"];
        }
        if (!Currencies.TryNormalize(draft.Currency, out currency))
        {
            errors["currency"] = ["is required: an ISO-4217 currency code"];
        }
        return errors;
    }

    private static bool SameItem(CatalogItem current, CatalogItem next) =>
        current.Name == next.Name && current.UnitPrice == next.UnitPrice && current.Currency == next.Currency && current.Active == next.Active;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SkuShape();
}
