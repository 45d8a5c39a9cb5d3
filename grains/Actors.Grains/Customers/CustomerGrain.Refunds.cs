using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Idempotency;
using Actors.Grains.Payments;

namespace Actors.Grains.Customers;

/// <summary>
/// Refunds, written ahead like charges: the request is appended before the gateway hears of it and the outcome
/// after, so a crash or a silent gateway in between leaves a pending refund that a retry or reconciliation finishes.
/// </summary>
public sealed partial class CustomerGrain
{
    public Task<MoneyResult> RefundPayment(IdempotentRequest request, string paymentId, RefundDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, () => Refund(request, paymentId, draft));

    private async Task<MoneyOutcome> Refund(IdempotentRequest request, string paymentId, RefundDraft draft)
    {
        await EnsureReconcileReminder();
        var decision = RefundDecider.Request(state, paymentId, RefundId(paymentId, request.Key), draft, clock.GetUtcNow());
        if (decision.Ask is not { } ask)
        {
            return new(decision.Answer!, []);
        }
        // The request is durable before the gateway hears of the refund.
        await Commit(decision.Events);

        var outcome = await AskGateway(ask.RefundId, () => RefundWithin(ask));
        var completed = RefundDecider.Complete(state, ask.RefundId, outcome, clock.GetUtcNow());
        if (completed.Any(change => change is RefundSucceeded))
        {
            metrics.Refunded();
        }
        return new(RefundDecider.Answer(CustomerEvolution.ApplyAll(state, completed), ask.RefundId), completed);
    }

    private Task<RefundOutcome?> RefundWithin(RefundRequest request) =>
        GatewayWithin(request.PaymentId, token => gateway.Refund(request, token));

    /// <summary>Derived from the idempotency key, so a retry after a crash asks the gateway for the same refund, not a second one.</summary>
    private static string RefundId(string paymentId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{paymentId}\n{idempotencyKey}"));
        return Payments.Refund.Prefix + Convert.ToHexStringLower(hash)[..24];
    }
}
