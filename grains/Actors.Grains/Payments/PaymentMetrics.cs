using System.Diagnostics.Metrics;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Journal;
using Actors.Grains.Merge;
using Actors.Grains.StepUp;

namespace Actors.Grains.Payments;

/// <summary>
/// The platform's own instruments, on one meter named for the project; created once per silo. Names follow
/// OpenTelemetry's conventions (dotted, lowercase, units in UCUM); the Prometheus exporter adds <c>_total</c> to counters
/// and the unit to the name (<c>s</c> becomes <c>_seconds</c>; a <c>{…}</c> annotation adds nothing). Label values are
/// the API's wire names. What is journaled is counted once it is durable (<see cref="Written"/>), so a refused or
/// failed request counts nothing it did not store.
/// </summary>
public sealed class PaymentMetrics
{
    public const string MeterName = "Actors";

    private readonly Counter<long> checkouts;
    private readonly Counter<long> confirmed;
    private readonly Counter<long> payments;
    private readonly Counter<long> declines;
    private readonly Counter<long> capBlocks;
    private readonly Counter<long> exclusionBlocks;
    private readonly Counter<long> stepUps;
    private readonly Counter<long> reconciliations;
    private readonly Counter<long> replays;
    private readonly Counter<long> merges;
    private readonly Counter<long> consentChanges;
    private readonly Counter<long> refunds;
    private readonly Counter<long> experimentCheckouts;
    private readonly Counter<long> experimentConversions;
    private readonly Counter<long> casesOpened;
    private readonly Counter<long> feedback;

    public PaymentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        checkouts = meter.CreateCounter<long>("actors.checkouts.created", "{checkout}", "Checkouts created.");
        confirmed = meter.CreateCounter<long>("actors.checkouts.confirmed", "{checkout}", "Confirmations that reserved the amount against the caps.");
        payments = meter.CreateCounter<long>("actors.payments", "{payment}",
            "Confirmation and reconciliation outcomes, by status (succeeded, declined, requires_action, processing, released).");
        declines = meter.CreateCounter<long>("actors.payments.declines", "{payment}", "Payments declined, by the gateway's reason.");
        capBlocks = meter.CreateCounter<long>("actors.cap_blocks", "{payment}", "Confirmations refused by a spending cap, by window (daily, weekly, monthly).");
        exclusionBlocks = meter.CreateCounter<long>("actors.self_exclusion_blocks", "{checkout}", "Checkouts refused by self-exclusion.");
        stepUps = meter.CreateCounter<long>("actors.step_ups", "{step_up}",
            "Step-ups, by kind (account, payment) and outcome (started, verified, failed, locked).");
        reconciliations = meter.CreateCounter<long>("actors.reconciliations", "{reconciliation}",
            "Open payments and refunds the reconcile reminder finished, by kind (payment, refund) and outcome (the resulting status).");
        replays = meter.CreateCounter<long>("actors.idempotent_replays", "{request}", "Requests answered again from the stored answer to their idempotency key.");
        merges = meter.CreateCounter<long>("actors.merges", "{merge}", "Customer profiles merged into a survivor.");
        consentChanges = meter.CreateCounter<long>("actors.consent.changes", "{change}",
            "Consent decisions recorded, by purpose and change (granted, withdrawn).");
        refunds = meter.CreateCounter<long>("actors.refunds", "{refund}", "Refunds issued.");
        experimentCheckouts = meter.CreateCounter<long>("actors.experiment.checkouts", "{checkout}",
            "Checkouts created by customers who allow analytics, by experiment and variant.");
        experimentConversions = meter.CreateCounter<long>("actors.experiment.conversions", "{checkout}",
            "Of those checkouts, the ones paid, by experiment and variant.");
        casesOpened = meter.CreateCounter<long>("actors.cases.opened", "{case}", "Support cases opened on payments, by kind (dispute, question).");
        feedback = meter.CreateCounter<long>("actors.feedback", "{feedback}",
            "Feedback given by customers, by rating (1 to 5) and subject (payment, case).");
    }

    /// <summary>Counts what a customer's append made durable.</summary>
    public void Written(IEnumerable<JournalEvent> written)
    {
        foreach (var change in written)
        {
            switch (change)
            {
                case CheckoutCreated:
                    checkouts.Add(1);
                    break;
                case PaymentReserved:
                    confirmed.Add(1);
                    break;
                case PaymentDeclined declined:
                    declines.Add(1, new KeyValuePair<string, object?>("reason", declined.Reason));
                    break;
                case OneTimeCodeIssued:
                    StepUp("account", "started");
                    break;
                case AccountStepUpVerified:
                    StepUp("account", "verified");
                    break;
                case AccountStepUpCodeRejected:
                    StepUp("account", "failed");
                    break;
                case MergeCompleted:
                    merges.Add(1);
                    break;
                case ConsentRecorded consent:
                    consentChanges.Add(1, new KeyValuePair<string, object?>("purpose", ConsentPurposes.NameOf(consent.Purpose)),
                        new KeyValuePair<string, object?>("change", consent.Granted ? "granted" : "withdrawn"));
                    break;
            }
        }
    }

    public void PaymentOutcome(PaymentStatus status) =>
        payments.Add(1, new KeyValuePair<string, object?>("status", WireNames.Of(status)));

    /// <summary>A payment's step-up, from its status before and after the gateway's answer (and whether a code was wrong).</summary>
    public void PaymentStepUp(Payment? before, Payment after, bool wrongCode)
    {
        if (wrongCode)
        {
            StepUp("payment", "failed");
        }
        else if (before?.Status != PaymentStatus.RequiresAction && after.Status == PaymentStatus.RequiresAction)
        {
            StepUp("payment", "started");
        }
        else if (before?.Status == PaymentStatus.RequiresAction && after.Status == PaymentStatus.Succeeded)
        {
            StepUp("payment", "verified");
        }
    }

    public void CapBlocked(Limits.CapWindow window) =>
        capBlocks.Add(1, new KeyValuePair<string, object?>("window", WireNames.Of(window)));

    public void ExclusionBlocked() => exclusionBlocks.Add(1);

    /// <summary>Code entry refused because too many codes were wrong (nothing is journaled for it).</summary>
    public void StepUpLocked(string kind) => StepUp(kind, "locked");

    public void Reconciled(PaymentStatus status) =>
        reconciliations.Add(1, new KeyValuePair<string, object?>("kind", "payment"), new KeyValuePair<string, object?>("outcome", WireNames.Of(status)));

    public void RefundReconciled(RefundStatus status) =>
        reconciliations.Add(1, new KeyValuePair<string, object?>("kind", "refund"),
            new KeyValuePair<string, object?>("outcome", status.ToString().ToLowerInvariant()));

    public void Replayed() => replays.Add(1);

    public void Refunded() => refunds.Add(1);

    public void ExperimentCounted(string experiment, string variant, bool converted) =>
        (converted ? experimentConversions : experimentCheckouts).Add(1,
            new KeyValuePair<string, object?>("experiment", experiment), new KeyValuePair<string, object?>("variant", variant));

    public void CaseOpened(Cases.CaseKind kind) =>
        casesOpened.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));

    public void FeedbackGiven(Cases.Feedback given) =>
        feedback.Add(1, new KeyValuePair<string, object?>("rating", given.Rating), new KeyValuePair<string, object?>("subject", given.SubjectKind));

    private void StepUp(string kind, string outcome) =>
        stepUps.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
