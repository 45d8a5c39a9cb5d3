using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Money;
using Actors.Grains.Payments;

namespace Actors.Grains.Checkouts;

/// <summary>How a checkout is put together from the cart or explicit lines: pure, no clock or I/O of its own.</summary>
public static class CheckoutRules
{
    public const int MaxDescription = 200;

    /// <summary>
    /// A checkout of <paramref name="draft"/>'s lines (or of the cart when it names none), totalled with checked
    /// arithmetic and converted to <paramref name="capCurrency"/>. Returns null when built, else why there is none.
    /// </summary>
    public static MoneyResult? Build(
        string id, CheckoutDraft draft, Cart cart, string capCurrency, ExchangeRates rates, string channel,
        DateTimeOffset now, TimeSpan lifetime, out Checkout? checkout)
    {
        checkout = null;
        var errors = new Dictionary<string, string[]>();
        var lines = draft.Lines is null ? cart.Lines : Lines(draft.Lines, errors);
        var description = draft.Description?.Trim();
        if (description is { Length: > MaxDescription } || (description?.Any(char.IsControl) ?? false))
        {
            errors["description"] = [$"must be at most {MaxDescription} printable characters"];
        }
        if (errors.Count > 0)
        {
            return new MoneyResult.Invalid(errors);
        }
        if (lines.IsEmpty)
        {
            return draft.Lines is null
                ? new MoneyResult.CartEmpty()
                : new MoneyResult.Invalid(new Dictionary<string, string[]> { ["lines"] = ["must have at least one line"] });
        }
        if (!CartRules.FitsInAmount(lines))
        {
            return new MoneyResult.Invalid(new Dictionary<string, string[]> { ["lines"] = [$"the total must not exceed {Amounts.Max}"] });
        }

        var currency = lines[0].Currency;
        var total = lines.Sum(line => checked(line.UnitPrice * line.Quantity));
        if (!rates.TryConvert(total, currency, capCurrency, out var converted))
        {
            return new MoneyResult.UnsupportedCurrency(currency, capCurrency);
        }

        checkout = new Checkout(
            id,
            lines.Select(line => new CheckoutLine(line.Sku, line.Name, line.UnitPrice, line.Quantity)).ToImmutableList(),
            currency, total, capCurrency, converted,
            FromCart: draft.Lines is null,
            string.IsNullOrEmpty(description) ? Describe(lines) : description,
            channel, now, now + lifetime, CheckoutStatus.RequiresConfirmation, PaymentId: null);
        return null;
    }

    /// <summary>A description for history search when the client gives none, e.g. "2 × Coffee beans, 1 × Mug".</summary>
    public static string Describe(IEnumerable<CartLine> lines)
    {
        var text = string.Join(", ", lines.Select(line => $"{line.Quantity} × {line.Name}"));
        return text.Length <= MaxDescription ? text : text[..(MaxDescription - 1)] + "…";
    }

    private static ImmutableList<CartLine> Lines(ImmutableList<CheckoutDraftLine> drafts, Dictionary<string, string[]> errors)
    {
        if (drafts.Count > CartRules.MaxLines)
        {
            errors["lines"] = [$"at most {CartRules.MaxLines} lines"];
            return [];
        }

        var lines = ImmutableList.CreateBuilder<CartLine>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var lineErrors = CartRules.Validate(new CartLine(draft.Sku ?? "", draft.Name ?? "", draft.UnitPrice, draft.Currency ?? "", draft.Quantity), out var line);
            foreach (var (field, messages) in lineErrors)
            {
                errors[$"lines[{i}].{field}"] = messages;
            }
            if (lineErrors.Count == 0 && lines.Count > 0 && line.Currency != lines[0].Currency)
            {
                errors[$"lines[{i}].currency"] = [$"all lines must be in {lines[0].Currency}"];
            }
            lines.Add(line);
        }
        return lines.ToImmutable();
    }
}
