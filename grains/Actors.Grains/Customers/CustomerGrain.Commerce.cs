using Actors.Grains.Carts;
using Actors.Grains.Limits;
using Actors.Grains.Profiles;
using Actors.Grains.Wallets;

namespace Actors.Grains.Customers;

/// <summary>The shared cart, saved payment methods, and spending controls.</summary>
public sealed partial class CustomerGrain
{
    public Task<CartResult> GetCart(CancellationToken cancellationToken) =>
        Task.FromResult<CartResult>(profile.State.Profile is null
            ? new CartResult.CustomerNotFound()
            : new CartResult.Updated(commerce.State.Cart));

    public Task<CartResult> PutCartLine(long expectedVersion, CartLine line, CancellationToken cancellationToken) =>
        ChangeCart(cart => CartRules.Put(cart, expectedVersion, line, clock.GetUtcNow()), cancellationToken);

    public Task<CartResult> RemoveCartLine(long expectedVersion, string sku, CancellationToken cancellationToken) =>
        ChangeCart(cart => CartRules.Remove(cart, expectedVersion, sku, clock.GetUtcNow()), cancellationToken);

    private async Task<CartResult> ChangeCart(Func<Cart, CartResult> change, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is null)
        {
            return new CartResult.CustomerNotFound();
        }
        var result = change(commerce.State.Cart);
        if (result is CartResult.Updated updated && updated.Cart != commerce.State.Cart)
        {
            commerce.State = commerce.State with { Cart = updated.Cart };
            await SaveCommerce(cancellationToken);
        }
        return result;
    }

    public Task<WalletResult> GetPaymentMethods(CancellationToken cancellationToken) =>
        Task.FromResult<WalletResult>(profile.State.Profile is null
            ? new WalletResult.CustomerNotFound()
            : new WalletResult.Listed(commerce.State.Wallet.Ranked(clock.GetUtcNow()), commerce.State.Wallet.PreferredId));

    public Task<WalletResult> AddPaymentMethod(PaymentMethodDraft draft, CancellationToken cancellationToken) =>
        ChangeWallet(wallet => WalletRules.Add(wallet, RandomIds.New(PaymentMethod.Prefix), draft, clock.GetUtcNow()), cancellationToken);

    public Task<WalletResult> RemovePaymentMethod(string paymentMethodId, CancellationToken cancellationToken) =>
        ChangeWallet(wallet => WalletRules.Remove(wallet, paymentMethodId), cancellationToken);

    private async Task<WalletResult> ChangeWallet(Func<Wallet, (Wallet, WalletResult)> change, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is null)
        {
            return new WalletResult.CustomerNotFound();
        }
        var (wallet, result) = change(commerce.State.Wallet);
        if (wallet != commerce.State.Wallet)
        {
            commerce.State = commerce.State with { Wallet = wallet };
            await SaveCommerce(cancellationToken);
        }
        return result;
    }

    public Task<LimitsResult> GetLimits(CancellationToken cancellationToken) =>
        Task.FromResult<LimitsResult>(profile.State.Profile is { } customer
            ? Current(customer, SpendingPolicy.EffectiveAt(commerce.State.Limits, clock.GetUtcNow()))
            : new LimitsResult.CustomerNotFound());

    public async Task<LimitsResult> SetLimits(CapRequest caps, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is not { } customer)
        {
            return new LimitsResult.CustomerNotFound();
        }
        switch (SpendingPolicy.Change(commerce.State.Limits, caps, clock.GetUtcNow(), settings.CoolingOff))
        {
            case LimitsChange.Applied applied:
                commerce.State = commerce.State with { Limits = applied.Limits, CapCurrency = CapCurrency(customer) };
                await SaveCommerce(cancellationToken);
                return Current(customer, applied.Limits);
            case LimitsChange.Invalid invalid:
                return new LimitsResult.Invalid(invalid.Errors);
            default:
                throw new InvalidOperationException("Unknown limits change.");
        }
    }

    public async Task<LimitsResult> SelfExclude(DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (profile.State.Profile is not { } customer)
        {
            return new LimitsResult.CustomerNotFound();
        }
        var now = clock.GetUtcNow();
        switch (SpendingPolicy.Exclude(SpendingPolicy.EffectiveAt(commerce.State.Limits, now), until, now))
        {
            case ExclusionChange.Applied applied:
                commerce.State = commerce.State with { Limits = applied.Limits, CapCurrency = CapCurrency(customer) };
                await SaveCommerce(cancellationToken);
                return Current(customer, applied.Limits);
            case ExclusionChange.TooSoon tooSoon:
                return new LimitsResult.ExclusionTooSoon(tooSoon.Earliest);
            case ExclusionChange.WouldShorten shorten:
                return new LimitsResult.ExclusionWouldShorten(shorten.Current);
            default:
                throw new InvalidOperationException("Unknown exclusion change.");
        }
    }

    /// <summary>Caps and spend stay in the currency they started in, even if the home currency changes later.</summary>
    private string CapCurrency(Profile customer) => commerce.State.CapCurrency ?? customer.HomeCurrency;

    private LimitsResult.Current Current(Profile customer, SpendingLimits limits)
    {
        var now = clock.GetUtcNow();
        var headroom = SpendingPolicy.Headroom(limits, commerce.State.Spend, now, Zone(customer));
        return new LimitsResult.Current(new LimitsView(
            CapCurrency(customer), limits.Daily, limits.Weekly, limits.Monthly, limits.Pending,
            SpendingPolicy.IsExcluded(limits, now) ? limits.ExcludedUntil : null, [.. headroom]));
    }
}
