using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.StepUp;

namespace Actors.Grains.Wallets;

/// <summary>Saving, removing and preferring payment methods as decisions over the customer's state.</summary>
public static class WalletDecider
{
    /// <summary>
    /// Saves a method under <paramref name="newId"/>; saving a token already saved answers the saved method and appends
    /// nothing. A new method is sensitive: it needs <paramref name="stepUp"/> satisfied.
    /// </summary>
    public static Decision<WalletResult> Add(CustomerState state, string newId, PaymentMethodDraft draft, DateTimeOffset now, StepUpStanding stepUp)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<WalletResult>(new WalletResult.CustomerNotFound());
        }
        var (_, result) = WalletRules.Add(state.Commerce.Wallet, newId, draft, now);
        if (result is WalletResult.Saved { Created: true } && stepUp.Required is { } method)
        {
            return Decision.Answer<WalletResult>(new WalletResult.StepUpRequired(method));
        }
        return result is WalletResult.Saved { Created: true } saved
            ? Decision.Emit(result, new PaymentMethodAdded(saved.Method, saved.Preferred) { At = now })
            : Decision.Answer(result);
    }

    public static Decision<WalletResult> Remove(CustomerState state, string paymentMethodId, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<WalletResult>(new WalletResult.CustomerNotFound());
        }
        var (_, result) = WalletRules.Remove(state.Commerce.Wallet, paymentMethodId);
        return result is WalletResult.Removed
            ? Decision.Emit(result, new PaymentMethodRemoved(paymentMethodId) { At = now })
            : Decision.Answer(result);
    }

    /// <summary>Makes a saved method the preferred one; choosing the one already preferred answers it and appends nothing.</summary>
    public static Decision<WalletResult> Prefer(CustomerState state, string paymentMethodId, DateTimeOffset now)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<WalletResult>(new WalletResult.CustomerNotFound());
        }
        var wallet = state.Commerce.Wallet;
        if (wallet.Find(paymentMethodId) is not { } method)
        {
            return Decision.Answer<WalletResult>(new WalletResult.NotFound());
        }
        var result = new WalletResult.Saved(method, Created: false, Preferred: true);
        return wallet.PreferredId == paymentMethodId
            ? Decision.Answer<WalletResult>(result)
            : Decision.Emit<WalletResult>(result, new PaymentMethodPreferred(paymentMethodId) { At = now });
    }
}
