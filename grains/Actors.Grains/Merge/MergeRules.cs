using System.Collections.Immutable;
using Actors.Grains.Carts;
using Actors.Grains.Consent;
using Actors.Grains.Limits;
using Actors.Grains.Wallets;

namespace Actors.Grains.Merge;

/// <summary>
/// How two customers' data combine when one is merged into the other. Pure. Caps only get stricter, consent only more
/// restrictive, spend and points add up, and nothing already the survivor's is changed or counted twice.
/// </summary>
public static class MergeRules
{
    /// <summary>
    /// The survivor's controls after the merge, both sides as they stand now and in one currency: per window the lower
    /// cap (no cap is the loosest), the later self-exclusion. A raise still cooling off survives only as far as both
    /// sides would allow it (the lower of what each is heading for), and never sooner than either side's wait.
    /// </summary>
    public static SpendingLimits Limits(SpendingLimits survivor, SpendingLimits merged)
    {
        var combined = SpendingLimits.None with { ExcludedUntil = Later(survivor.ExcludedUntil, merged.ExcludedUntil) };
        var pending = ImmutableList.CreateBuilder<PendingCap>();
        foreach (var window in SpendWindows.All)
        {
            var cap = Lower(survivor.CapOf(window), merged.CapOf(window));
            combined = combined.WithCap(window, cap);
            var heading = Lower(HeadingFor(survivor, window), HeadingFor(merged, window));
            if (heading == cap)
            {
                continue;
            }
            var waits = survivor.Pending.Concat(merged.Pending).Where(change => change.Window == window).ToList();
            pending.Add(new PendingCap(window, heading, waits.Max(change => change.RequestedAt), waits.Max(change => change.EffectiveAt)));
        }
        return combined with { Pending = pending.ToImmutable() };
    }

    /// <summary>The merged customer's controls in the survivor's currency (<paramref name="convert"/> converts an amount).</summary>
    public static SpendingLimits Converted(SpendingLimits limits, Func<long, long> convert) => limits with
    {
        Daily = limits.Daily is { } daily ? convert(daily) : null,
        Weekly = limits.Weekly is { } weekly ? convert(weekly) : null,
        Monthly = limits.Monthly is { } monthly ? convert(monthly) : null,
        Pending = [.. limits.Pending.Select(change => change with { Amount = change.Amount is { } amount ? convert(amount) : null })],
    };

    /// <summary>
    /// The purposes the survivor must now deny: those it grants and the merged customer does not (denied, or never
    /// granted, which is the same). Denied wins over granted; nothing is ever granted by a merge.
    /// </summary>
    public static IReadOnlyList<ConsentDecision> Withdrawn(ConsentState survivor, ConsentState merged) =>
        [.. ConsentPurposes.All
            .Select(survivor.LatestFor)
            .OfType<ConsentDecision>()
            .Where(decision => decision.Granted && merged.LatestFor(decision.Purpose) is not { Granted: true })];

    /// <summary>Settled spend per local day, both sides added (checked: an overflow is a fault, never a wrap).</summary>
    public static ImmutableSortedDictionary<DateOnly, long> AddSpend(ImmutableSortedDictionary<DateOnly, long> spend, IReadOnlyDictionary<DateOnly, long> added)
    {
        var sum = spend.ToBuilder();
        foreach (var (day, amount) in added)
        {
            sum[day] = checked(sum.GetValueOrDefault(day) + amount);
        }
        return sum.ToImmutable();
    }

    /// <summary>
    /// The cart lines to set on the survivor: a SKU in both carts gets the quantities added (up to the most a line
    /// holds, at the survivor's price); other lines are added while the cart has room. Lines in another currency than
    /// the survivor's cart stay behind: one cart holds one currency.
    /// </summary>
    public static IReadOnlyList<CartLine> CartLines(Cart survivor, IEnumerable<CartLine> merged)
    {
        var lines = survivor.Lines;
        var set = new List<CartLine>();
        foreach (var line in merged)
        {
            if (lines.Count > 0 && lines[0].Currency != line.Currency)
            {
                continue;
            }
            var index = lines.FindIndex(existing => existing.Sku == line.Sku);
            var next = index >= 0
                ? lines[index] with { Quantity = Math.Min(CartRules.MaxQuantity, lines[index].Quantity + line.Quantity) }
                : line;
            if (index < 0 && lines.Count >= CartRules.MaxLines)
            {
                continue;
            }
            var candidate = index >= 0 ? lines.SetItem(index, next) : lines.Add(next);
            if (!CartRules.FitsInAmount(candidate) || index >= 0 && next == lines[index])
            {
                continue;
            }
            lines = candidate;
            set.Add(next);
        }
        return set;
    }

    /// <summary>The merged customer's saved methods the survivor does not have (same token, same card), while the wallet has room.</summary>
    public static IReadOnlyList<PaymentMethod> Methods(Wallet survivor, IEnumerable<PaymentMethod> merged)
    {
        var tokens = survivor.Methods.Select(method => method.Token).ToHashSet(StringComparer.Ordinal);
        var ids = survivor.Methods.Select(method => method.Id).ToHashSet(StringComparer.Ordinal);
        var room = Math.Max(0, Wallet.MaxMethods - survivor.Methods.Count);
        return [.. merged.Where(method => tokens.Add(method.Token) && ids.Add(method.Id)).Take(room)];
    }

    /// <summary>The cap a window is heading for: the pending change's amount, else the cap in force (null: no cap).</summary>
    private static long? HeadingFor(SpendingLimits limits, CapWindow window) =>
        limits.Pending.Find(change => change.Window == window) is { } pending ? pending.Amount : limits.CapOf(window);

    /// <summary>The stricter of two caps, null being no cap.</summary>
    public static long? Lower(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
