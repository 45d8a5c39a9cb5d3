using System.Text.Json;
using System.Text.Json.Serialization;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Journal;
using Actors.Grains.Merge;
using Actors.Grains.Payments;

namespace Actors.Grains.Webhooks;

/// <summary>
/// The body of a webhook POST, made from one decoded journal event. It names ids, money and consent facts only: no
/// email, phone, names, card digits or free text (descriptions, refund reasons), so nothing personal leaves sealed rows.
/// </summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The JSON body for <paramref name="change"/>, the event at <paramref name="sequence"/> of
    /// <paramref name="customerId"/>; <paramref name="payment"/> is the payment it concerns as of that event (its
    /// amount and status), when it concerns one. Null when no webhook carries the event.
    /// </summary>
    public static string? Of(string customerId, long sequence, JournalEvent change, Payment? payment)
    {
        if (WebhookEvents.NameOf(change) is not { } type)
        {
            return null;
        }
        object data = change switch
        {
            CheckoutCreated created => new CheckoutData(created.Summary.Checkout.Id, created.Summary.Checkout.Total, created.Summary.Checkout.Currency),
            RefundRequested requested => RefundOf(requested.Refund, "pending", null),
            RefundSucceeded succeeded => RefundOf(succeeded.Refund, "succeeded", null),
            RefundFailed failed => RefundOf(failed.Refund, "failed", failed.Reason),
            ConsentRecorded consent => new ConsentData(ConsentPurposes.NameOf(consent.Purpose), consent.Granted, consent.PolicyVersion, consent.Channel),
            MergeCompleted merged => new MergeData(merged.From, [.. merged.MergedFrom]),
            _ when payment is not null => new PaymentData(payment.Id, payment.CheckoutId, payment.Amount, payment.Currency, WireNames.Of(payment.Status),
                payment.DeclineReason, payment.Refunded),
            _ => throw new InvalidOperationException($"The {type} event of {customerId} at {sequence} needs its payment."),
        };
        return JsonSerializer.Serialize(new Body(WebhookEventId.Of(customerId, sequence), type, change.At, customerId, sequence, data), Json);
    }

    private static RefundData RefundOf(Refund refund, string status, string? reason) =>
        new(refund.Id, refund.PaymentId, refund.Amount, refund.Currency, status, reason);

    /// <param name="Sequence">The event's place in the customer's journal: deliveries of one customer arrive in this order.</param>
    private sealed record Body(string Id, string Type, DateTimeOffset Created, string Customer, long Sequence, object Data);

    private sealed record CheckoutData(string CheckoutId, long Amount, string Currency);

    private sealed record PaymentData(string PaymentId, string CheckoutId, long Amount, string Currency, string Status, string? DeclineReason, long Refunded);

    private sealed record RefundData(string RefundId, string PaymentId, long Amount, string Currency, string Status, string? FailureReason);

    private sealed record ConsentData(string Purpose, bool Granted, string PolicyVersion, string Channel);

    private sealed record MergeData(string MergedCustomer, string[] MergedFrom);
}
