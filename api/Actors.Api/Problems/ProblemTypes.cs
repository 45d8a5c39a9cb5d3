namespace Actors.Api.Problems;

/// <summary>
/// The stable <c>type</c> of every problem the API returns, one per kind of error, so clients can branch on it.
/// Relative references (RFC 9457 allows them) keep the API free of any one public host name.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "/errors/";

    public const string Validation = Base + "validation";
    public const string MalformedJson = Base + "malformed-json";
    public const string BadRequest = Base + "bad-request";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string CustomerNotFound = Base + "customer-not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string Conflict = Base + "conflict";
    public const string VersionMismatch = Base + "version-mismatch";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string PreconditionRequired = Base + "precondition-required";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string StepUpLocked = Base + "step-up-locked";
    public const string StepUpRequired = Base + "step-up-required";
    public const string AccountStepUpLocked = Base + "account-step-up-locked";
    public const string StepUpCodeWrong = Base + "step-up-code-wrong";
    public const string TotpNotEnrolled = Base + "totp-not-enrolled";
    public const string DeviceRequired = Base + "device-required";
    public const string RawCardNumber = Base + "raw-card-number";
    public const string InvalidText = Base + "invalid-text";
    public const string IdempotencyKeyRequired = Base + "idempotency-key-required";
    public const string IdempotencyMismatch = Base + "idempotency-mismatch";
    public const string IdempotencyInFlight = Base + "idempotency-in-flight";
    public const string CapExceeded = Base + "cap-exceeded";
    public const string SelfExcluded = Base + "self-excluded";
    public const string UnsupportedCurrency = Base + "unsupported-currency";
    public const string AmountOverflow = Base + "amount-overflow";
    public const string CheckoutNotFound = Base + "checkout-not-found";
    public const string CheckoutExpired = Base + "checkout-expired";
    public const string CheckoutClosed = Base + "checkout-closed";
    public const string PaymentMethodNotFound = Base + "payment-method-not-found";
    public const string PaymentNotFound = Base + "payment-not-found";
    public const string RefundExceedsCaptured = Base + "refund-exceeds-captured";
    public const string CaseNotFound = Base + "case-not-found";
    public const string CaseClosed = Base + "case-closed";
    public const string FeedbackNotEligible = Base + "feedback-not-eligible";
    public const string FeedbackExists = Base + "feedback-exists";
    public const string CartEmpty = Base + "cart-empty";
    public const string UnknownSku = Base + "unknown-sku";
    public const string CatalogItemNotFound = Base + "catalog-item-not-found";
    public const string PointsUnavailable = Base + "points-unavailable";
    public const string PaymentMethodNotOffered = Base + "payment-method-not-offered";
    public const string UnknownPurpose = Base + "unknown-purpose";
    public const string IdentityNotFound = Base + "identity-not-found";
    public const string IdentityTaken = Base + "identity-taken";
    public const string CustomerMerged = Base + "customer-merged";
    public const string MergeBusy = Base + "merge-busy";
    public const string MergeSelf = Base + "merge-self";
    public const string AuditEntryNotFound = Base + "audit-entry-not-found";
    public const string NoReceipt = Base + "no-receipt";
    public const string AuditChainBroken = Base + "audit-chain-broken";
    public const string CustomerErased = Base + "customer-erased";
    public const string ErasureBlocked = Base + "erasure-blocked";
    public const string WebhookNotFound = Base + "webhook-not-found";
    public const string WebhookExists = Base + "webhook-exists";
    public const string DeliveryNotFound = Base + "delivery-not-found";
    public const string DeliveryPending = Base + "delivery-pending";
    public const string Internal = Base + "internal";
    public const string Unavailable = Base + "unavailable";

    /// <summary>The type for a bare status code, used where no handler chose a more specific one.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status410Gone => CustomerErased,
        StatusCodes.Status412PreconditionFailed => VersionMismatch,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status428PreconditionRequired => PreconditionRequired,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        _ => Internal,
    };
}
