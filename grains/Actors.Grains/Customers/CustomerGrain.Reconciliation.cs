using Actors.Grains.Payments;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Customers;

/// <summary>
/// The <c>reconcile</c> reminder: while a payment or refund is open, it asks the gateway what became of it and appends
/// the outcome. Registered before any reservation or refund request is appended, removed once nothing is open and money has been quiet a while.
/// </summary>
public sealed partial class CustomerGrain
{
    private const string ReconcileReminder = "reconcile";

    /// <summary>How long the reminder stays after the last money movement, with nothing open.</summary>
    private static readonly TimeSpan ReminderQuietPeriod = TimeSpan.FromMinutes(15);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == MergeReminder)
        {
            await ReceiveMergeReminder();
            return;
        }
        if (reminderName == ErasureReminder)
        {
            await ReceiveErasureReminder();
            return;
        }
        if (reminderName != ReconcileReminder)
        {
            return;
        }
        await Reconcile();
        // What reconciliation settled reaches devices now, whether or not reminders pass through the call filter.
        await Announce();
        // Against what has been decided, under the reminders' lock: a payment reserved meanwhile keeps it.
        await DropReminderWhen(ReconcileReminder, () => IsQuiet(clock.GetUtcNow()));
    }

    /// <summary>
    /// Settles or releases every payment open for longer than <see cref="PaymentSettings.ReconcileAfter"/>, and asks
    /// again for every refund pending that long, by what the gateway knows of their ids.
    /// </summary>
    private async Task Reconcile()
    {
        if (state.Profile is null)
        {
            return;
        }
        var now = clock.GetUtcNow();
        // What a confirmation or refund is asking the gateway about right now is left to it.
        foreach (var payment in PaymentDecider.Stale(state, now, settings.ReconcileAfter).Where(payment => !AtGateway(payment.Id)))
        {
            var known = await AskGateway(payment.Id, async () =>
            {
                using var timeout = new CancellationTokenSource(settings.GatewayTimeout, clock);
                return await gateway.Find(payment.Id, timeout.Token);
            });
            var settled = PaymentDecider.Reconcile(state, payment.Id, known, clock.GetUtcNow());
            await Commit(settled);
            if (!settled.IsEmpty)
            {
                var status = state.Commerce.FindPayment(payment.Id)!.Status;
                metrics.PaymentOutcome(status);
                metrics.Reconciled(status);
                LogReconciled(log, payment.Id, status.ToString());
            }
        }
        foreach (var refund in RefundDecider.Stale(state, now, settings.ReconcileAfter).Where(refund => !AtGateway(refund.Id)))
        {
            if (await AskGateway(refund.Id, () => RefundWithin(RefundDecider.Ask(refund))) is { } outcome)
            {
                var completed = RefundDecider.Complete(state, refund.Id, outcome, clock.GetUtcNow());
                await Commit(completed);
                if (completed.Any(change => change is RefundSucceeded))
                {
                    metrics.Refunded();
                }
                metrics.RefundReconciled(state.Commerce.Refunds[refund.Id].Status);
                LogReconciled(log, refund.Id, state.Commerce.Refunds[refund.Id].Status.ToString());
            }
        }
    }

    /// <summary>
    /// Nothing is open, and no money moved for <see cref="ReminderQuietPeriod"/>: the reminder may go. A customer who
    /// keeps paying keeps it, so its payments do not register and remove it again and again (a write each time).
    /// </summary>
    private bool IsQuiet(DateTimeOffset now)
    {
        var commerce = state.Commerce;
        return !commerce.Payments.Any(payment => payment.IsOpen || now - payment.UpdatedAt < ReminderQuietPeriod)
            && !commerce.Refunds.Values.Any(entry => entry.Status == RefundStatus.Pending);
    }

    private Task EnsureReconcileReminder() => EnsureReminder(ReconcileReminder, settings.ReconcileAfter, settings.ReconcileEvery);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Id}: {Status}")]
    private static partial void LogReconciled(ILogger logger, string id, string status);
}
