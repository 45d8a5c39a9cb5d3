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

    private bool reconcileReminderRegistered;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReconcileReminder)
        {
            return;
        }
        await Reconcile();
        // What reconciliation settled reaches devices now, whether or not reminders pass through the call filter.
        await Announce();
        if (IsQuiet(clock.GetUtcNow()))
        {
            if (await this.GetReminder(ReconcileReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            reconcileReminderRegistered = false;
        }
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
        foreach (var payment in PaymentDecider.Stale(state, now, settings.ReconcileAfter))
        {
            using var timeout = new CancellationTokenSource(settings.GatewayTimeout, clock);
            var known = await gateway.Find(payment.Id, timeout.Token);
            await Append(PaymentDecider.Reconcile(state, payment.Id, known, clock.GetUtcNow()));
            LogReconciled(log, payment.Id, state.Commerce.FindPayment(payment.Id)!.Status.ToString());
        }
        foreach (var refund in RefundDecider.Stale(state, now, settings.ReconcileAfter))
        {
            if (await RefundWithin(RefundDecider.Ask(refund)) is { } outcome)
            {
                await Append(RefundDecider.Complete(state, refund.Id, outcome, clock.GetUtcNow()));
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

    private async Task EnsureReconcileReminder()
    {
        if (!reconcileReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReconcileReminder, settings.ReconcileAfter, settings.ReconcileEvery);
            reconcileReminderRegistered = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Id}: {Status}")]
    private static partial void LogReconciled(ILogger logger, string id, string status);
}
