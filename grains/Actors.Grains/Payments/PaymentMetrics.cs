using System.Diagnostics.Metrics;

namespace Actors.Grains.Payments;

/// <summary>The platform's own instruments, on one meter named for the project; created once per silo.</summary>
public sealed class PaymentMetrics
{
    public const string MeterName = "Actors";

    private readonly Counter<long> checkouts;
    private readonly Counter<long> payments;
    private readonly Counter<long> capBlocks;
    private readonly Counter<long> exclusionBlocks;
    private readonly Counter<long> refunds;
    private readonly Counter<long> experimentCheckouts;
    private readonly Counter<long> experimentConversions;
    private readonly Counter<long> casesOpened;
    private readonly Counter<long> feedback;

    public PaymentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        checkouts = meter.CreateCounter<long>("actors.checkouts.created", description: "Checkouts created.");
        payments = meter.CreateCounter<long>("actors.payments", description: "Confirmation outcomes, by status (succeeded, declined, requires_action, processing, released).");
        capBlocks = meter.CreateCounter<long>("actors.cap_blocks", description: "Confirmations refused by a spending cap, by window.");
        exclusionBlocks = meter.CreateCounter<long>("actors.self_exclusion_blocks", description: "Checkouts refused by self-exclusion.");
        refunds = meter.CreateCounter<long>("actors.refunds", description: "Refunds issued.");
        experimentCheckouts = meter.CreateCounter<long>("actors.experiment.checkouts",
            description: "Checkouts created by customers who allow analytics, by experiment and variant.");
        experimentConversions = meter.CreateCounter<long>("actors.experiment.conversions",
            description: "Of those checkouts, the ones paid, by experiment and variant.");
        casesOpened = meter.CreateCounter<long>("actors.cases.opened", description: "Support cases opened on payments, by kind (dispute, question).");
        feedback = meter.CreateCounter<long>("actors.feedback",
            description: "Feedback given by customers, by rating (1 to 5) and subject (payment, case).");
    }

    public void CheckoutCreated() => checkouts.Add(1);

    public void PaymentOutcome(PaymentStatus status) =>
        payments.Add(1, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));

    public void CapBlocked(Limits.CapWindow window) =>
        capBlocks.Add(1, new KeyValuePair<string, object?>("window", window.ToString().ToLowerInvariant()));

    public void ExclusionBlocked() => exclusionBlocks.Add(1);

    public void Refunded() => refunds.Add(1);

    public void ExperimentCounted(string experiment, string variant, bool converted) =>
        (converted ? experimentConversions : experimentCheckouts).Add(1,
            new KeyValuePair<string, object?>("experiment", experiment), new KeyValuePair<string, object?>("variant", variant));

    public void CaseOpened(Cases.CaseKind kind) =>
        casesOpened.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));

    public void FeedbackGiven(Cases.Feedback given) =>
        feedback.Add(1, new KeyValuePair<string, object?>("rating", given.Rating), new KeyValuePair<string, object?>("subject", given.SubjectKind));
}
