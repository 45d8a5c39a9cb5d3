using System.Collections.Frozen;
using System.Collections.Immutable;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Journal;
using Actors.Grains.Merge;
using Actors.Grains.Payments;

namespace Actors.Grains.Webhooks;

/// <summary>
/// The webhook event names a merchant's backend can ask for, and the journal event each is made from. Several names
/// never share a journal event, so a journal event is at most one webhook event.
/// </summary>
public static class WebhookEvents
{
    public const string CheckoutCreated = "checkout.created";
    public const string PaymentCreated = "payment.created";
    public const string PaymentRequiresAction = "payment.requires_action";
    public const string PaymentSucceeded = "payment.succeeded";
    public const string PaymentDeclined = "payment.declined";
    public const string PaymentReleased = "payment.released";
    public const string RefundRequested = "refund.requested";
    public const string RefundSucceeded = "refund.succeeded";
    public const string RefundFailed = "refund.failed";
    public const string ConsentChanged = "consent.changed";
    public const string CustomerMerged = "customer.merged";

    private static readonly FrozenDictionary<string, Type> Sources = new Dictionary<string, Type>
    {
        [CheckoutCreated] = typeof(CheckoutCreated),
        [PaymentCreated] = typeof(PaymentReserved),
        [PaymentRequiresAction] = typeof(PaymentStepUpRequested),
        [PaymentSucceeded] = typeof(Payments.PaymentSucceeded),
        [PaymentDeclined] = typeof(Payments.PaymentDeclined),
        [PaymentReleased] = typeof(Payments.PaymentReleased),
        [RefundRequested] = typeof(Payments.RefundRequested),
        [RefundSucceeded] = typeof(Payments.RefundSucceeded),
        [RefundFailed] = typeof(Payments.RefundFailed),
        [ConsentChanged] = typeof(ConsentRecorded),
        [CustomerMerged] = typeof(MergeCompleted),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> NamesByType = Sources.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

    /// <summary>Every name, in the order README lists them.</summary>
    public static ImmutableArray<string> All { get; } = [.. Sources.Keys.Order(StringComparer.Ordinal)];

    public static bool IsKnown(string name) => Sources.ContainsKey(name);

    /// <summary>The journal aliases (<c>event_type</c>) the webhook events <paramref name="names"/> are made from.</summary>
    public static string[] JournalTypes(IEnumerable<string> names) =>
        [.. names.Select(name => JournalRows.TypeName(Sources[name])).Distinct().Order(StringComparer.Ordinal)];

    private static readonly FrozenDictionary<string, string> NamesByJournalType =
        Sources.ToFrozenDictionary(pair => JournalRows.TypeName(pair.Value), pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The webhook event name made from the journal alias <paramref name="journalType"/>, or null when none is.</summary>
    public static string? NameOfJournalType(string journalType) => NamesByJournalType.GetValueOrDefault(journalType);

    /// <summary>The webhook event name of a journal event, or null when no webhook carries it.</summary>
    public static string? NameOf(JournalEvent change) => NamesByType.GetValueOrDefault(change.GetType());
}
