using Actors.Grains.Wallets;

namespace Actors.Grains.Customers;

/// <summary>Saved payment methods: gateway tokens and what a customer recognises a card by.</summary>
public sealed partial class CustomerGrain
{
    public Task<WalletResult> GetPaymentMethods(CancellationToken cancellationToken) =>
        Task.FromResult<WalletResult>(durable.Profile is null
            ? new WalletResult.CustomerNotFound()
            : new WalletResult.Listed(durable.Commerce.Wallet.Ranked(clock.GetUtcNow()), durable.Commerce.Wallet.PreferredId));

    public async Task<WalletResult> AddPaymentMethod(PaymentMethodDraft draft, CancellationToken cancellationToken)
    {
        var decision = WalletDecider.Add(state, RandomIds.New(PaymentMethod.Prefix), draft, clock.GetUtcNow(), StepUpStanding());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<WalletResult> RemovePaymentMethod(string paymentMethodId, CancellationToken cancellationToken)
    {
        var decision = WalletDecider.Remove(state, paymentMethodId, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<WalletResult> PreferPaymentMethod(string paymentMethodId, CancellationToken cancellationToken)
    {
        var decision = WalletDecider.Prefer(state, paymentMethodId, clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }
}
