using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Catalog;
using Actors.Grains.Money;
using Actors.Grains.Payments;

namespace Actors.Grains.Checkouts;

/// <summary>How a checkout is put together from the cart or explicit lines: pure, no clock or I/O of its own.</summary>
public static class CheckoutRules
{
    public const int MaxDescription = 200;

    /// <summary>
    /// A checkout of <paramref name="draft"/>'s lines (or of the cart when it names none), each priced by
    /// <paramref name="priceOf"/> (the catalog's current versions: cart lines are priced again, so the checkout shows
    /// what the customer will pay), totalled with checked arithmetic and converted to <paramref name="capCurrency"/>.
    /// Returns null when built, else why there is none.
    /// </summary>
    public static MoneyResult? Build(
        string id, CheckoutDraft draft, Cart cart, Func<string, CatalogItem?> priceOf, string capCurrency, ExchangeRates rates,
        string channel, DateTimeOffset now, TimeSpan lifetime, out Checkout? checkout)
    {
        checkout = null;
        var errors = new Dictionary<string, string[]>();
        var wanted = draft.Lines is null
            ? [.. cart.Lines.Select(line => (line.Sku, line.Quantity))]
            : Wanted(draft.Lines, errors);
        var description = draft.Description?.Trim();
        if (description is { Length: > MaxDescription } || (description?.Any(char.IsControl) ?? false))
        {
            errors["description"] = [$"must be at most {MaxDescription} printable characters"];
        }
        if (errors.Count > 0)
        {
            return new MoneyResult.Invalid(errors);
        }
        if (wanted.Count == 0)
        {
            return draft.Lines is null
                ? new MoneyResult.CartEmpty()
                : new MoneyResult.Invalid(new Dictionary<string, string[]> { ["lines"] = ["must have at least one line"] });
        }

        var lines = ImmutableList.CreateBuilder<CartLine>();
        foreach (var (sku, quantity) in wanted)
        {
            if (priceOf(sku) is not { } product)
            {
                return new MoneyResult.UnknownSku(sku);
            }
            lines.Add(CartRules.Priced(product, quantity));
        }
        var currency = lines[0].Currency;
        if (lines.FindIndex(line => line.Currency != currency) is var other and >= 0)
        {
            var field = draft.Lines is null ? "lines" : $"lines[{other}].sku";
            return new MoneyResult.Invalid(new Dictionary<string, string[]>
            {
                [field] = [$"{lines[other].Sku} is priced in {lines[other].Currency}; all lines must be in {currency}"],
            });
        }
        if (!CartRules.FitsInAmount(lines))
        {
            return new MoneyResult.Invalid(new Dictionary<string, string[]> { ["lines"] = [$"the total must not exceed {Amounts.Max}"] });
        }

        var total = lines.Sum(line => checked(line.UnitPrice * line.Quantity));
        if (!rates.TryConvert(total, currency, capCurrency, out var converted))
        {
            return new MoneyResult.UnsupportedCurrency(currency, capCurrency);
        }

        checkout = new Checkout(
            id,
            lines.Select(line => new CheckoutLine(line.Sku, line.Name, line.UnitPrice, line.Quantity, line.CatalogVersion)).ToImmutableList(),
            currency, total, capCurrency, converted,
            FromCart: draft.Lines is null,
            string.IsNullOrEmpty(description) ? Describe(lines) : description,
            channel, now, now + lifetime, CheckoutStatus.RequiresConfirmation, PaymentId: null);
        return null;
    }

    /// <summary>The SKUs a checkout of <paramref name="draft"/> must be priced for: its lines', or the cart's.</summary>
    public static IEnumerable<string> SkusOf(CheckoutDraft draft, Cart cart) =>
        draft.Lines is null
            ? cart.Lines.Select(line => line.Sku)
            : draft.Lines.Count > CartRules.MaxLines ? [] : draft.Lines.Where(line => CatalogRules.IsSku(line.Sku)).Select(line => line.Sku!);

    /// <summary>A description for history search when the client gives none, e.g. "2 × Coffee beans, 1 × Mug".</summary>
    public static string Describe(IEnumerable<CartLine> lines)
    {
        var text = string.Join(", ", lines.Select(line => $"{line.Quantity} × {line.Name}"));
        return text.Length <= MaxDescription ? text : text[..(MaxDescription - 1)] + "…";
    }

    private static List<(string Sku, int Quantity)> Wanted(ImmutableList<CheckoutDraftLine> drafts, Dictionary<string, string[]> errors)
    {
        if (drafts.Count > CartRules.MaxLines)
        {
            errors["lines"] = [$"at most {CartRules.MaxLines} lines"];
            return [];
        }

        var wanted = new List<(string, int)>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            foreach (var (field, messages) in CartRules.Validate(draft.Sku, draft.Quantity))
            {
                errors[$"lines[{i}].{field}"] = messages;
            }
            wanted.Add((draft.Sku ?? "", draft.Quantity));
        }
        return wanted;
    }
}
