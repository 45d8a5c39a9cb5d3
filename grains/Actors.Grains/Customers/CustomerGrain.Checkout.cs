using System.Collections.Immutable;
using Actors.Grains.Catalog;
using Actors.Grains.Checkouts;
using Actors.Grains.Idempotency;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// Two-step checkout and confirmation against the caps, each request once per idempotency key. Order of a
/// confirmation: append the reservation (durable), call the gateway, append the outcome with the answer. A crash
/// anywhere leaves a durable reservation that the reconcile reminder finishes by asking the gateway about that id.
/// </summary>
public sealed partial class CustomerGrain
{
    /// <summary>Idempotency keys whose first request is running in this activation.</summary>
    private HashSet<string>? keysInFlight;

    /// <summary>What a money-moving request came to, and the events (appended with its answer) that make it so.</summary>
    private readonly record struct MoneyOutcome(MoneyResult Result, ImmutableArray<JournalEvent> Events);

    public async Task<MoneyResult?> CheckIdempotency(IdempotentRequest request, CancellationToken cancellationToken) =>
        keysInFlight?.Contains(request.Key) == true
            ? new MoneyResult.IdempotencyInFlight()
            : durable.Commerce.Idempotency.Lookup(request, clock.GetUtcNow()) is { } answered
                ? await Replay(answered, cancellationToken)
                : null;

    public Task<MoneyResult> CreateCheckout(IdempotentRequest request, CheckoutDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, async () => NewCheckout(draft, await PricesFor(draft, cancellationToken)));

    public Task<MoneyResult> ConfirmCheckout(IdempotentRequest request, string checkoutId, ConfirmDraft draft, CancellationToken cancellationToken) =>
        Idempotent(request, () => Confirm(request, checkoutId, draft));

    public Task<CheckoutSummary?> GetCheckout(string checkoutId, CancellationToken cancellationToken) =>
        Task.FromResult(CheckoutDecider.Summary(durable, checkoutId, personalization, rates, clock.GetUtcNow()));

    public Task<Payment?> GetPayment(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult(durable.Commerce.FindPayment(paymentId));

    public Task<long?> GetLoyaltyPoints(CancellationToken cancellationToken) =>
        Task.FromResult<long?>(durable.Profile is null ? null : durable.Commerce.Points);

    /// <summary>
    /// Runs a money-moving request once per idempotency key: a retry gets the first answer again, rebuilt from the
    /// journal, and the compact record of the answer is appended with the events it describes. Once it has started it
    /// runs to the end even if the caller goes away (appends ignore cancellation): half a payment is worse than a late one.
    /// </summary>
    private async Task<MoneyResult> Idempotent(IdempotentRequest request, Func<Task<MoneyOutcome>> run)
    {
        // A key's answer is in the durable book once its request has finished; until then the key is in flight.
        keysInFlight ??= new(StringComparer.Ordinal);
        if (keysInFlight.Contains(request.Key))
        {
            return new MoneyResult.IdempotencyInFlight();
        }
        if (durable.Commerce.Idempotency.Lookup(request, clock.GetUtcNow()) is { } answered)
        {
            return await Replay(answered, CancellationToken.None);
        }
        keysInFlight.Add(request.Key);
        try
        {
            var (result, events) = await run();
            if (result.IsReplayable)
            {
                // Committed right below, with nothing decided in between, so these take the next numbers in order.
                var answer = StoredAnswer.For(result, upTo: head + events.Length, firstSequence: head + 1);
                events = events.Add(new RequestAnswered(request.Key, request.Fingerprint, answer) { At = clock.GetUtcNow() });
            }
            await Commit(events);
            return result;
        }
        finally
        {
            keysInFlight.Remove(request.Key);
        }
    }

    /// <summary>The first answer to a request, from its compact record and the journal events it names.</summary>
    private async Task<MoneyResult> Replay(StoredAnswer answer, CancellationToken cancellationToken)
    {
        var replayed = await Rebuild(answer, cancellationToken);
        if (replayed is not MoneyResult.IdempotencyMismatch)
        {
            metrics.Replayed();
        }
        return replayed;
    }

    private async Task<MoneyResult> Rebuild(StoredAnswer answer, CancellationToken cancellationToken) => answer switch
    {
        StoredAnswer.Outcome outcome => outcome.Result,
        StoredAnswer.Checkout checkout => await journal.Read(CustomerId, checkout.Sequence, cancellationToken) is CheckoutCreated created
            ? new MoneyResult.CheckoutCreated(created.Summary)
            : throw new InvalidOperationException($"Event {checkout.Sequence} of {CustomerId} is not the checkout an answer names."),
        StoredAnswer.Payment payment => StoredAnswer.Rebuild(answer, await journal.ReadPayment(CustomerId, payment.PaymentId, payment.UpTo, cancellationToken)),
        StoredAnswer.PaymentUnderway underway => StoredAnswer.Rebuild(answer, await journal.ReadPayment(CustomerId, underway.PaymentId, durableHead, cancellationToken)),
        StoredAnswer.Refund refund => StoredAnswer.Rebuild(answer, await journal.ReadPayment(CustomerId, refund.PaymentId, refund.UpTo, cancellationToken)),
        _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "Unknown stored answer."),
    };

    /// <summary>
    /// The prices a checkout of <paramref name="draft"/> needs. The cart may change while the catalog answers (another
    /// device adds a line), so the SKUs are taken again afterwards and anything new is asked for too; the decision that
    /// follows is synchronous, so it sees exactly the cart these prices were fetched for.
    /// </summary>
    private async Task<PriceList> PricesFor(CheckoutDraft draft, CancellationToken cancellationToken)
    {
        var prices = PriceList.Empty;
        var asked = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var missing = CheckoutRules.SkusOf(draft, state.Commerce.Cart).Where(sku => !asked.Contains(sku)).ToList();
            if (missing.Count == 0)
            {
                break;
            }
            asked.UnionWith(missing);
            var more = await Prices(missing, cancellationToken);
            prices = new PriceList(prices.Items.SetItems(more.Items));
        }
        return prices;
    }

    private MoneyOutcome NewCheckout(CheckoutDraft draft, PriceList prices)
    {
        var decision = CheckoutDecider.Create(state, RandomIds.New(Checkout.Prefix), draft, prices.Find, CallerChannel(), CallerDevice(), rates,
            personalization, settings.CheckoutLifetime, clock.GetUtcNow());
        switch (decision.Answer)
        {
            case MoneyResult.SelfExcluded:
                metrics.ExclusionBlocked();
                break;
        }
        return new(decision.Answer, decision.Events);
    }

    private async Task<MoneyOutcome> Confirm(IdempotentRequest request, string checkoutId, ConfirmDraft draft)
    {
        // The reminder first, then the decision: no durable reservation is ever left without a reconciliation, and
        // nothing awaited lies between deciding and committing.
        await EnsureReconcileReminder();
        var decision = PaymentDecider.Confirm(state, checkoutId, draft, RandomIds.New(Payment.Prefix), CallerChannel(), clock.GetUtcNow());
        if (decision.Charge is not { } charge)
        {
            CountRefusal(decision.Refusal!);
            return new(decision.Refusal!, []);
        }
        if (decision.Events.IsEmpty && AtGateway(charge.PaymentId))
        {
            // A step-up code already on its way to the gateway decides this payment; this confirmation waits its turn.
            return new(new MoneyResult.CheckoutClosed(checkoutId, Checkouts.CheckoutStatus.Processing, charge.PaymentId), []);
        }
        // The reservation is durable before the gateway hears of the payment, and with it what a retry of this request
        // is answered should the rest be cut off: the payment, however it ends, not the checkout it closed.
        await Commit(decision.Events.IsEmpty ? decision.Events : decision.Events.Add(
            new RequestAnswered(request.Key, request.Fingerprint, new StoredAnswer.PaymentUnderway(charge.PaymentId)) { At = clock.GetUtcNow() }));

        var outcome = await AskGateway(charge.PaymentId, () => GatewayWithin(charge.PaymentId, token => gateway.Charge(charge, token)));
        var settled = PaymentDecider.Settle(state, charge.PaymentId, outcome, clock.GetUtcNow());
        var before = state.Commerce.FindPayment(charge.PaymentId);
        var payment = settled.Aggregate(before, PaymentLife.Apply)!;
        metrics.PaymentOutcome(payment.Status);
        metrics.PaymentStepUp(before, payment,
            StepUpFailures.IsWrongCode(before, settled.OfType<PaymentStepUpRequested>().FirstOrDefault(), settled.OfType<PaymentDeclined>().FirstOrDefault()));
        return new(new MoneyResult.PaymentResult(payment), settled);
    }

    /// <summary>Payment and refund ids whose gateway call is under way: reconciliation leaves them to that call.</summary>
    private HashSet<string>? gatewayCalls;

    private bool AtGateway(string id) => gatewayCalls?.Contains(id) == true;

    private async Task<T> AskGateway<T>(string id, Func<Task<T>> call)
    {
        (gatewayCalls ??= new(StringComparer.Ordinal)).Add(id);
        try
        {
            return await call();
        }
        finally
        {
            gatewayCalls.Remove(id);
        }
    }

    private void CountRefusal(MoneyResult refusal)
    {
        switch (refusal)
        {
            case MoneyResult.SelfExcluded:
                metrics.ExclusionBlocked();
                break;
            case MoneyResult.CapExceeded exceeded:
                metrics.CapBlocked(exceeded.Window);
                break;
            case MoneyResult.StepUpLocked:
                metrics.StepUpLocked("payment");
                break;
        }
    }

    /// <summary>
    /// Asks the gateway about <paramref name="paymentId"/> for at most the configured time; null when it did not answer
    /// (or failed), which leaves a charge processing and a refund pending for reconciliation to finish.
    /// </summary>
    private async Task<T?> GatewayWithin<T>(string paymentId, Func<CancellationToken, Task<T>> call) where T : class
    {
        using var timeout = new CancellationTokenSource(settings.GatewayTimeout, clock);
        try
        {
            return await call(timeout.Token);
        }
        catch (Exception exception)
        {
            LogGatewayUnanswered(log, paymentId, exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway gave no answer about payment {PaymentId} ({Reason})")]
    private static partial void LogGatewayUnanswered(ILogger logger, string paymentId, string reason);
}
