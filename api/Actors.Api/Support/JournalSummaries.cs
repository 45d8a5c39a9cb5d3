using System.Globalization;
using Actors.Api.Payments;
using Actors.Api.Privacy;
using Actors.Grains.Carts;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Idempotency;
using Actors.Grains.Identity;
using Actors.Grains.Journal;
using Actors.Grains.Limits;
using Actors.Grains.Live;
using Actors.Grains.Merge;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Actors.Grains.Support;
using Actors.Grains.Wallets;

namespace Actors.Api.Support;

/// <summary>
/// What a journal event says, in a line a person reads: its kind (<c>profile</c>, <c>payment</c>, <c>consent</c>, …)
/// and a summary with personal data masked as the reader must see it.
/// </summary>
public static class JournalSummaries
{
    /// <summary>
    /// Events that are bookkeeping rather than something that happened to the customer: device sightings (the sessions
    /// list shows them), live-number blocks, and stored answers to requests.
    /// </summary>
    public static readonly IReadOnlyCollection<Type> Noise = [typeof(DeviceSeen), typeof(LiveNumbersClaimed), typeof(RequestAnswered)];

    public static (string Kind, string Summary) Of(JournalEvent change, Masking mask) => change switch
    {
        CustomerCreated created => ("profile", $"Customer created: {Profile(created.Profile, mask)}"),
        ProfileUpdated updated => ("profile", $"Profile changed (version {updated.Profile.Version}): {Profile(updated.Profile, mask)}"),
        IdentityClaimed claimed => ("identity", $"Now holds {claimed.Identifier.Kind} {Identifier(claimed.Identifier, mask)}"),
        IdentityReleased released => ("identity", $"Released {released.Identifier.Kind} {Identifier(released.Identifier, mask)}"),
        ConsentRecorded consent => ("consent",
            $"{ConsentPurposes.NameOf(consent.Purpose)} {(consent.Granted ? "granted" : "withdrawn")} under policy {consent.PolicyVersion} via {consent.Channel}"),
        CapsSet caps => ("limits", $"Caps set: {Caps(caps.Limits, caps.CapCurrency)}"),
        SelfExclusionSet exclusion => ("limits", $"Self-excluded until {Instant(exclusion.Limits.ExcludedUntil)}"),
        CheckoutCreated created => ("checkout", Checkout(created.Summary.Checkout, mask)),
        PaymentReserved reserved => ("payment",
            $"Payment {reserved.Payment.Id} reserved: {Money(reserved.Payment.Amount, reserved.Payment.Currency)} by {reserved.Payment.Brand} "
            + $"ending {reserved.Payment.Last4} via {reserved.Payment.Channel} for checkout {reserved.Payment.CheckoutId}"),
        PaymentStepUpRequested stepUp => ("payment", $"Payment {stepUp.PaymentId} needs step-up authentication"),
        PaymentSucceeded succeeded => ("payment", $"Payment {succeeded.PaymentId} succeeded"),
        PaymentDeclined declined => ("payment", $"Payment {declined.PaymentId} declined ({declined.Reason})"),
        PaymentReleased released => ("payment", $"Payment {released.PaymentId} released: never charged"),
        RefundRequested requested => ("payment", $"Refund {requested.Refund.Id} of {Money(requested.Refund.Amount, requested.Refund.Currency)} on {requested.Refund.PaymentId} requested{Reason(requested.Refund.Reason, mask)}"),
        RefundSucceeded refunded => ("payment", $"Refund {refunded.Refund.Id} of {Money(refunded.Refund.Amount, refunded.Refund.Currency)} on {refunded.Refund.PaymentId} succeeded"),
        RefundFailed failed => ("payment", $"Refund {failed.Refund.Id} on {failed.Refund.PaymentId} failed ({failed.Reason})"),
        CartLineSet set => ("cart", $"Cart: {set.Line.Quantity} × {set.Line.Name} ({set.Line.Sku}) at {Money(set.Line.UnitPrice, set.Line.Currency)}"),
        CartLineRemoved removed => ("cart", $"Cart: {removed.Sku} removed"),
        PaymentMethodAdded added => ("payment-method",
            $"Saved {added.Method.Brand} ending {added.Method.Last4}, expires {added.Method.ExpiryMonth:00}/{added.Method.ExpiryYear}{(added.Preferred ? ", preferred" : "")}"),
        PaymentMethodRemoved removed => ("payment-method", $"Removed saved method {removed.PaymentMethodId}"),
        PaymentMethodPreferred preferred => ("payment-method", $"Preferred saved method {preferred.PaymentMethodId}"),
        MergeStarted started => ("merge", $"Merge of {started.From} into this customer started"),
        MergeCompleted completed => ("merge", $"Took in {completed.From} ({completed.PointsAdded} points)"),
        MergeCancelled cancelled => ("merge", $"Merge of {cancelled.From} given up; nothing moved"),
        MergedInto merged => ("merge", $"Merged into {merged.Survivor}"),
        SupportAccessed access => ("audit", $"Support ({access.Reader}) opened the {access.What}"),
        DeviceSeen seen => ("session", $"Seen on {seen.Session.DeviceId} via {seen.Session.Channel}"),
        _ => ("other", JournalRows.TypeName(change.GetType())),
    };

    private static string Profile(Profile profile, Masking mask)
    {
        var parts = new List<string> { mask.Name(profile.DisplayName) };
        if (mask.Email(profile.Email) is { } email)
        {
            parts.Add(email);
        }
        if (mask.Phone(profile.Phone) is { } phone)
        {
            parts.Add(phone);
        }
        parts.Add($"{profile.PreferredLanguage}, {profile.HomeCurrency}, {profile.TimeZone}");
        return string.Join(", ", parts);
    }

    private static string Identifier(Identifier identifier, Masking mask) => identifier.Kind switch
    {
        IdentityKinds.Email => mask.Email(identifier.Value)!,
        IdentityKinds.Phone => mask.Phone(identifier.Value)!,
        _ => identifier.Value,
    };

    private static string Checkout(Checkout checkout, Masking mask)
    {
        var description = mask.Text(checkout.Description) is { Length: > 0 } text ? $" \"{text}\"" : "";
        return $"Checkout {checkout.Id} created{description}: {Money(checkout.Total, checkout.Currency)}, "
            + $"{checkout.Lines.Sum(line => line.Quantity)} item(s) via {checkout.Channel}";
    }

    private static string Caps(SpendingLimits limits, string currency)
    {
        string Cap(long? amount) => amount is { } cap ? Money(cap, currency) : "none";
        var text = $"daily {Cap(limits.Daily)}, weekly {Cap(limits.Weekly)}, monthly {Cap(limits.Monthly)}";
        return limits.Pending.IsEmpty
            ? text
            : text + "; pending " + string.Join(", ", limits.Pending.Select(cap => $"{WireNames.Of(cap.Window)} {Cap(cap.Amount)} from {Instant(cap.EffectiveAt)}"));
    }

    private static string Reason(string? reason, Masking mask) => mask.Text(reason) is { Length: > 0 } text ? $" ({text})" : "";

    public static string Money(long minor, string currency) => $"{PaymentCsvRow.Major(minor, currency)} {currency}";

    private static string Instant(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
}
