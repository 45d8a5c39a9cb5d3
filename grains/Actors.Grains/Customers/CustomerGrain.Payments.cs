using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// Two-step checkout, confirmation against the caps, refunds, and reconciliation of payments the gateway left
/// open. Order of a confirmation: reserve and persist (with the <c>authorized</c> ledger entry in the outbox),
/// then call the gateway, then settle or release and persist again. A crash anywhere leaves a durable
/// reservation that the reconcile reminder finishes by asking the gateway about that payment id.
/// </summary>
public sealed partial class CustomerGrain
{
    private const string ReconcileReminder = "reconcile";

    /// <summary>Idempotency keys whose first request is running in this activation.</summary>
    private readonly HashSet<string> keysInFlight = new(StringComparer.Ordinal);
    private bool reconcileReminderRegistered;

    public Task<MoneyResult?> CheckIdempotency(IdempotentRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(keysInFlight.Contains(request.Key)
            ? new MoneyResult.IdempotencyInFlight()
            : commerce.State.Idempotency.Lookup(request, clock.GetUtcNow()));

    public Task<MoneyResult> CreateCheckout(IdempotentRequest request, CheckoutDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, () => Task.FromResult(NewCheckout(draft)));

    public Task<MoneyResult> ConfirmCheckout(IdempotentRequest request, string checkoutId, ConfirmDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, () => Confirm(checkoutId, draft));

    public Task<MoneyResult> RefundPayment(IdempotentRequest request, string paymentId, RefundDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, () => RefundOnce(request, paymentId, draft));

    public Task<Checkout?> GetCheckout(string checkoutId, CancellationToken cancellationToken) =>
        Task.FromResult(commerce.State.Checkouts.GetValueOrDefault(checkoutId));

    public Task<Payment?> GetPayment(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult(commerce.State.FindPayment(paymentId));

    /// <summary>
    /// Runs a money-moving request once per idempotency key: a retry gets the stored answer, and the answer is
    /// stored in the same write as the change it describes. Once it has started it runs to the end even if the
    /// caller goes away (its writes ignore cancellation): half a payment is worse than a late one.
    /// </summary>
    private async Task<MoneyResult> Idempotent(IdempotentRequest request, Func<Task<MoneyResult>> run)
    {
        if (commerce.State.Idempotency.Lookup(request, clock.GetUtcNow()) is { } answered)
        {
            return answered;
        }

        keysInFlight.Add(request.Key);
        try
        {
            var before = commerce.State;
            var result = await run();
            if (result.IsReplayable || commerce.State != before)
            {
                commerce.State = commerce.State with { Idempotency = commerce.State.Idempotency.Remember(request, result, clock.GetUtcNow()) };
                await SaveCommerce(CancellationToken.None);
            }
            return result;
        }
        finally
        {
            keysInFlight.Remove(request.Key);
        }
    }

    private MoneyResult NewCheckout(CheckoutDraft draft)
    {
        if (profile.State.Profile is not { } customer)
        {
            return new MoneyResult.NotFound(MissingThing.Customer);
        }
        var now = clock.GetUtcNow();
        var limits = SpendingPolicy.EffectiveAt(commerce.State.Limits, now);
        if (SpendingPolicy.IsExcluded(limits, now))
        {
            metrics.ExclusionBlocked();
            return new MoneyResult.SelfExcluded(limits.ExcludedUntil!.Value);
        }

        var refusal = CheckoutRules.Build(RandomIds.New(Checkout.Prefix), draft, commerce.State.Cart, CapCurrency(customer), rates,
            CallerChannel(), now, settings.CheckoutLifetime, out var checkout);
        if (refusal is not null)
        {
            return refusal;
        }

        var zone = Zone(customer);
        commerce.State = commerce.State.WithCheckout(checkout!).Pruned(now, zone) with { CapCurrency = checkout!.CapCurrency };
        metrics.CheckoutCreated();
        var wallet = commerce.State.Wallet;
        return new MoneyResult.CheckoutCreated(new CheckoutSummary(
            checkout, wallet.Ranked(now), wallet.PreferredId, [.. SpendingPolicy.Headroom(limits, commerce.State.Spend, now, zone)]));
    }

    private async Task<MoneyResult> Confirm(string checkoutId, ConfirmDraft draft)
    {
        if (profile.State.Profile is not { } customer)
        {
            return new MoneyResult.NotFound(MissingThing.Customer);
        }
        if (!commerce.State.Checkouts.TryGetValue(checkoutId, out var checkout))
        {
            return new MoneyResult.NotFound(MissingThing.Checkout);
        }
        var now = clock.GetUtcNow();
        var limits = SpendingPolicy.EffectiveAt(commerce.State.Limits, now);
        if (SpendingPolicy.IsExcluded(limits, now))
        {
            metrics.ExclusionBlocked();
            return new MoneyResult.SelfExcluded(limits.ExcludedUntil!.Value);
        }
        if (checkout.Status is CheckoutStatus.Succeeded or CheckoutStatus.Processing)
        {
            return new MoneyResult.CheckoutClosed(checkout);
        }
        if (checkout.IsExpiredAt(now))
        {
            return new MoneyResult.CheckoutExpired(checkout.Id, checkout.ExpiresAt);
        }
        if (checkout.Status == CheckoutStatus.RequiresAction)
        {
            return await CompleteStepUp(checkout, draft);
        }

        if (string.IsNullOrEmpty(draft.PaymentMethodId))
        {
            return Invalid("paymentMethodId", "is required: the saved payment method to pay with");
        }
        if (commerce.State.Wallet.Find(draft.PaymentMethodId) is not { } method)
        {
            return new MoneyResult.NotFound(MissingThing.PaymentMethod);
        }
        if (method.IsExpiredAt(now))
        {
            return Invalid("paymentMethodId", "the card has expired");
        }

        var zone = Zone(customer);
        if (SpendingPolicy.Check(limits, commerce.State.Spend, checkout.ConvertedTotal, now, zone) is CapDecision.Exceeded exceeded)
        {
            metrics.CapBlocked(exceeded.Window);
            return new MoneyResult.CapExceeded(exceeded.Window, exceeded.Cap, exceeded.Remaining, checkout.CapCurrency, exceeded.ResetsAt);
        }

        var payment = new Payment(RandomIds.New(Payment.Prefix), checkout.Id, checkout.Total, checkout.Currency, checkout.ConvertedTotal,
            checkout.CapCurrency, method.Id, method.Token, method.Brand, method.Last4, CallerChannel(), checkout.Description,
            PaymentStatus.Processing, DeclineReason: null, Refunded: 0, now, now);
        commerce.State = commerce.State.WithPayment(payment).WithCheckout(checkout with { Status = CheckoutStatus.Processing, PaymentId = payment.Id }) with
        {
            Limits = limits,
            Spend = commerce.State.Spend.Reserve(payment.Id, payment.ConvertedAmount, now, zone),
            Outbox = commerce.State.Outbox.Add(payment.Entry(customer.CustomerId, LedgerKind.Authorized, now)),
        };
        // The reservation is durable, and will be reconciled, before the gateway hears of the payment. Its ledger
        // entry waits in the outbox and goes in with the outcome's, in one insert.
        await Persist(commerce, CancellationToken.None);
        await EnsureReconcileReminder();

        var outcome = await ChargeWithin(new ChargeRequest(payment.Id, customer.CustomerId, method.Token, payment.Amount, payment.Currency, null));
        return new MoneyResult.PaymentResult(Apply(customer, payment.Id, outcome));
    }

    private async Task<MoneyResult> CompleteStepUp(Checkout checkout, ConfirmDraft draft)
    {
        if (commerce.State.FindPayment(checkout.PaymentId!) is not { } payment)
        {
            throw new InvalidOperationException($"Checkout {checkout.Id} waits for step-up of a payment the state does not hold.");
        }
        if (string.IsNullOrEmpty(draft.StepUpCode))
        {
            return Invalid("stepUpCode", "is required: the code the customer received to authenticate this payment");
        }
        if (draft.PaymentMethodId is { } methodId && methodId != payment.MethodId)
        {
            return Invalid("paymentMethodId", "a payment waiting for step-up completes with the method it started with");
        }

        var customer = profile.State.Profile!;
        var outcome = await ChargeWithin(new ChargeRequest(payment.Id, customer.CustomerId, payment.Token, payment.Amount, payment.Currency, draft.StepUpCode));
        return new MoneyResult.PaymentResult(Apply(customer, payment.Id, outcome));
    }

    /// <summary>Asks the gateway, for at most the configured time; no answer (or a fault) leaves the payment processing.</summary>
    private async Task<ChargeOutcome?> ChargeWithin(ChargeRequest request)
    {
        using var timeout = new CancellationTokenSource(settings.GatewayTimeout);
        try
        {
            return await gateway.Charge(request, timeout.Token);
        }
        catch (Exception exception)
        {
            LogGatewayUnanswered(log, request.PaymentId, exception.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Moves an open payment on by what the gateway said: succeeded settles the spend and pays the cart's lines,
    /// declined gives the reservation back, requires_action waits for the code, no answer stays processing.
    /// Changes state in memory only; the caller persists.
    /// </summary>
    private Payment Apply(Profile customer, string paymentId, ChargeOutcome? outcome)
    {
        var state = commerce.State;
        var payment = state.FindPayment(paymentId)!;
        var checkout = state.Checkouts.GetValueOrDefault(payment.CheckoutId);
        var now = clock.GetUtcNow();
        switch (outcome)
        {
            case ChargeOutcome.Succeeded:
                payment = payment with { Status = PaymentStatus.Succeeded, UpdatedAt = now };
                state = state with
                {
                    Spend = state.Spend.Settle(paymentId),
                    Wallet = state.Wallet.Used(payment.MethodId, now),
                    Cart = checkout is { FromCart: true } ? CartRules.RemovePaid(state.Cart, checkout.Lines.Select(line => line.Sku), now) : state.Cart,
                    Outbox = state.Outbox.Add(payment.Entry(customer.CustomerId, LedgerKind.Succeeded, now)),
                };
                checkout = checkout is null ? null : checkout with { Status = CheckoutStatus.Succeeded };
                break;
            case ChargeOutcome.Declined declined:
                payment = payment with { Status = PaymentStatus.Declined, DeclineReason = declined.Reason, UpdatedAt = now };
                state = state with
                {
                    Spend = state.Spend.Release(paymentId),
                    Outbox = state.Outbox.Add(payment.Entry(customer.CustomerId, LedgerKind.Declined, now)),
                };
                // The customer may try again with another method while the checkout lasts.
                checkout = checkout is null ? null : checkout with { Status = CheckoutStatus.RequiresConfirmation, PaymentId = null };
                break;
            case ChargeOutcome.RequiresAction:
                payment = payment with { Status = PaymentStatus.RequiresAction, UpdatedAt = now };
                checkout = checkout is null ? null : checkout with { Status = CheckoutStatus.RequiresAction };
                break;
            default:
                metrics.PaymentOutcome(PaymentStatus.Processing);
                return payment;
        }

        metrics.PaymentOutcome(payment.Status);
        state = state.WithPayment(payment);
        commerce.State = checkout is null ? state : state.WithCheckout(checkout);
        return payment;
    }

    /// <summary>Gives back the reservation of a payment the gateway never charged.</summary>
    private void Release(Profile customer, Payment payment)
    {
        var now = clock.GetUtcNow();
        var released = payment with { Status = PaymentStatus.Released, UpdatedAt = now };
        var state = commerce.State.WithPayment(released) with
        {
            Spend = commerce.State.Spend.Release(payment.Id),
            Outbox = commerce.State.Outbox.Add(released.Entry(customer.CustomerId, LedgerKind.Released, now)),
        };
        if (state.Checkouts.GetValueOrDefault(payment.CheckoutId) is { } checkout && checkout.PaymentId == payment.Id)
        {
            state = state.WithCheckout(checkout with { Status = CheckoutStatus.RequiresConfirmation, PaymentId = null });
        }
        metrics.PaymentOutcome(PaymentStatus.Released);
        commerce.State = state;
    }

    private async Task<MoneyResult> RefundOnce(IdempotentRequest request, string paymentId, RefundDraft draft)
    {
        if (profile.State.Profile is not { } customer)
        {
            return new MoneyResult.NotFound(MissingThing.Customer);
        }
        if (commerce.State.FindPayment(paymentId) is not { } payment)
        {
            return new MoneyResult.NotFound(MissingThing.Payment);
        }
        if (draft.Amount is <= 0 or > Money.Amounts.Max)
        {
            return Invalid("amount", $"must be a whole number of minor units from 1 to {Money.Amounts.Max}");
        }
        if (draft.Reason is { Length: > CheckoutRules.MaxDescription })
        {
            return Invalid("reason", $"must be at most {CheckoutRules.MaxDescription} characters");
        }
        var amount = draft.Amount ?? payment.Refundable;
        if (amount == 0 || amount > payment.Refundable)
        {
            return new MoneyResult.RefundExceedsCaptured(payment.Refundable, payment.Currency);
        }

        // Derived from the idempotency key, so a retry after a crash asks the gateway for the same refund, not a second one.
        var refund = new Refund(RefundId(paymentId, request.Key), paymentId, amount, payment.Currency, draft.Reason?.Trim(), clock.GetUtcNow());
        RefundOutcome outcome;
        using (var timeout = new CancellationTokenSource(settings.GatewayTimeout))
        {
            try
            {
                outcome = await gateway.Refund(new RefundRequest(refund.Id, paymentId, amount, payment.Currency), timeout.Token);
            }
            catch (Exception exception)
            {
                LogGatewayUnanswered(log, paymentId, exception.GetType().Name);
                return new MoneyResult.GatewayUnavailable();
            }
        }
        if (outcome is RefundOutcome.Rejected)
        {
            return new MoneyResult.RefundExceedsCaptured(payment.Refundable, payment.Currency);
        }

        var refunded = payment with { Refunded = payment.Refunded + amount, UpdatedAt = refund.CreatedAt };
        commerce.State = commerce.State.WithPayment(refunded) with
        {
            Outbox = commerce.State.Outbox.Add(refunded.Entry(customer.CustomerId, LedgerKind.Refunded, refund.CreatedAt, amount, refund.Id)),
        };
        metrics.Refunded();
        return new MoneyResult.Refunded(refund, refunded);
    }

    private static string RefundId(string paymentId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{paymentId}\n{idempotencyKey}"));
        return Payments.Refund.Prefix + Convert.ToHexStringLower(hash)[..24];
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReconcileReminder)
        {
            return;
        }
        await FlushOutbox(CancellationToken.None);
        await Reconcile();
        // Payments settled here reach devices now, whether or not reminders pass through the call filter.
        await Announce(CancellationToken.None);
        if (commerce.State.Outbox.IsEmpty && !commerce.State.Payments.Any(payment => payment.IsOpen))
        {
            if (await this.GetReminder(ReconcileReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            reconcileReminderRegistered = false;
        }
    }

    /// <summary>
    /// Settles or releases every payment left open for longer than <see cref="PaymentSettings.ReconcileAfter"/>,
    /// by what the gateway knows of its payment id: charged → settle, declined or never charged → release. A payment
    /// waiting for step-up is given up (released) once its checkout has expired.
    /// </summary>
    private async Task Reconcile()
    {
        if (profile.State.Profile is not { } customer)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var stale = commerce.State.Payments.Where(payment => payment.IsOpen && now - payment.UpdatedAt >= settings.ReconcileAfter).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        foreach (var payment in stale)
        {
            using var timeout = new CancellationTokenSource(settings.GatewayTimeout);
            var known = await gateway.Find(payment.Id, timeout.Token);
            var checkout = commerce.State.Checkouts.GetValueOrDefault(payment.CheckoutId);
            switch (known)
            {
                case null:
                    Release(customer, payment);
                    break;
                case ChargeOutcome.RequiresAction when checkout is null || checkout.IsExpiredAt(now):
                    Release(customer, payment);
                    break;
                case ChargeOutcome.RequiresAction:
                    break;
                default:
                    Apply(customer, payment.Id, known);
                    break;
            }
            LogReconciled(log, payment.Id, commerce.State.FindPayment(payment.Id)!.Status);
        }
        await SaveCommerce(CancellationToken.None);
    }

    private async Task EnsureReconcileReminder()
    {
        if (!reconcileReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReconcileReminder, settings.ReconcileAfter, settings.ReconcileEvery);
            reconcileReminderRegistered = true;
        }
    }

    /// <summary>Persists the money state, then copies its outbox into the ledger.</summary>
    private async Task SaveCommerce(CancellationToken cancellationToken)
    {
        await Persist(commerce, cancellationToken);
        await FlushOutbox(cancellationToken);
    }

    /// <summary>
    /// Inserts the outbox's entries into the ledger (a repeat is ignored by its unique key) and forgets them in
    /// memory; storage forgets them with the next write. If the ledger is unreachable they stay, and the
    /// reconcile reminder or the next write tries again.
    /// </summary>
    private async Task FlushOutbox(CancellationToken cancellationToken)
    {
        var pending = commerce.State.Outbox;
        if (pending.IsEmpty)
        {
            return;
        }
        try
        {
            await ledger.Append(pending, cancellationToken);
            commerce.State = commerce.State with { Outbox = commerce.State.Outbox.RemoveRange(pending) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogLedgerUnavailable(log, pending.Count, exception);
            await EnsureReconcileReminder();
        }
    }

    /// <summary>The channel of the current call, as the API put it in the request context.</summary>
    private static string CallerChannel() =>
        RequestContext.Get(Caller.ContextKey) is Caller caller ? caller.Channel : Channels.Web;

    private static MoneyResult.Invalid Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway gave no answer about payment {PaymentId} ({Reason})")]
    private static partial void LogGatewayUnanswered(ILogger logger, string paymentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled payment {PaymentId}: {Status}")]
    private static partial void LogReconciled(ILogger logger, string paymentId, PaymentStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger unavailable; {Count} entries stay in the outbox")]
    private static partial void LogLedgerUnavailable(ILogger logger, int count, Exception exception);
}
