using Actors.Grains.Carts;
using Actors.Grains.Cases;
using Actors.Grains.Checkouts;
using Actors.Grains.Consent;
using Actors.Grains.Erasure;
using Actors.Grains.Idempotency;
using Actors.Grains.Identity;
using Actors.Grains.Limits;
using Actors.Grains.Live;
using Actors.Grains.Merge;
using Actors.Grains.Payments;
using Actors.Grains.Profiles;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using Orleans.Concurrency;

namespace Actors.Grains.Customers;

/// <summary>
/// One customer's whole live state, keyed by its <c>cus_…</c> id. Every decision is taken synchronously against all
/// earlier ones (see <see cref="CustomerGrain"/>), which keeps every check-then-write on the customer (caps,
/// idempotency, cart versions) race-free without locks, while appends and gateway calls overlap.
/// The device and channel of each call travel in the request context (<see cref="Caller.ContextKey"/>).
/// </summary>
[Alias("customer-grain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<ProfileResult> Create(ProfileDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Creates this customer as a guest holding the loyalty card <paramref name="card"/> (see <see cref="GuestEnrolment"/>).</summary>
    [Alias("enrol-guest")]
    Task<ProfileResult> EnrolGuest(ProfileDraft draft, Identifier card, CancellationToken cancellationToken = default);

    [Alias("get-profile"), ReadOnly]
    Task<ProfileResult> GetProfile(CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="patch"/> only when the profile is still at <paramref name="expectedVersion"/>.</summary>
    [Alias("update-profile")]
    Task<ProfileResult> UpdateProfile(long expectedVersion, ProfilePatch patch, CancellationToken cancellationToken = default);

    /// <summary>The devices and channels this customer has been seen on, most recent first; null for no such customer.</summary>
    [Alias("get-sessions"), ReadOnly]
    Task<IReadOnlyList<DeviceSession>?> GetSessions(CancellationToken cancellationToken = default);

    /// <summary>Claims a loyalty card or device; <see cref="IdentityResult.Taken"/> when another customer holds it.</summary>
    [Alias("claim-identity")]
    Task<IdentityResult> ClaimIdentity(Identifier identifier, CancellationToken cancellationToken = default);

    /// <summary>Releases a loyalty card or device this customer holds (email and phone go by changing the profile).</summary>
    [Alias("release-identity")]
    Task<IdentityResult> ReleaseIdentity(Identifier identifier, CancellationToken cancellationToken = default);

    /// <summary>The identifiers this customer holds (profile email and phone included); null for no such customer.</summary>
    [Alias("get-identities"), ReadOnly]
    Task<IReadOnlyList<Identifier>?> GetIdentities(CancellationToken cancellationToken = default);

    /// <summary>
    /// For an identity grain settling a claim: whether this customer's journal holds the identifier whose identity grain
    /// key (<see cref="Privacy.IdentityKeys.GrainKey(Identifier)"/>) is <paramref name="identityKey"/>, after what is being written is durable; <see cref="Holding.Changing"/> while a
    /// decision of this customer is claiming or releasing it.
    /// </summary>
    [Alias("holds")]
    Task<Holding> Holds(string identityKey, CancellationToken cancellationToken = default);

    [Alias("get-cart"), ReadOnly]
    Task<CartResult> GetCart(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a line or replaces the line with its SKU, when the cart is still at <paramref name="expectedVersion"/>; the
    /// name and price are the catalog's.
    /// </summary>
    [Alias("put-cart-line")]
    Task<CartResult> PutCartLine(long expectedVersion, CartItemDraft item, CancellationToken cancellationToken = default);

    [Alias("remove-cart-line")]
    Task<CartResult> RemoveCartLine(long expectedVersion, string sku, CancellationToken cancellationToken = default);

    [Alias("get-payment-methods"), ReadOnly]
    Task<WalletResult> GetPaymentMethods(CancellationToken cancellationToken = default);

    [Alias("add-payment-method")]
    Task<WalletResult> AddPaymentMethod(PaymentMethodDraft draft, CancellationToken cancellationToken = default);

    [Alias("remove-payment-method")]
    Task<WalletResult> RemovePaymentMethod(string paymentMethodId, CancellationToken cancellationToken = default);

    /// <summary>The current consent of every purpose and, read from the journal, every change of it, newest first.</summary>
    [Alias("get-consents"), ReadOnly]
    Task<ConsentResult> GetConsents(CancellationToken cancellationToken = default);

    /// <summary>Records a grant or withdrawal of <paramref name="purpose"/> by the calling device and channel; it counts for the very next decision.</summary>
    [Alias("record-consent")]
    Task<ConsentResult> RecordConsent(ConsentPurpose purpose, ConsentDraft draft, CancellationToken cancellationToken = default);
    /// <summary>Makes a saved method the one a checkout offers first.</summary>
    [Alias("prefer-payment-method")]
    Task<WalletResult> PreferPaymentMethod(string paymentMethodId, CancellationToken cancellationToken = default);

    [Alias("get-limits"), ReadOnly]
    Task<LimitsResult> GetLimits(CancellationToken cancellationToken = default);

    /// <summary>The caps now and every change of them (caps and self-exclusion) from the journal, newest first; null for no such customer.</summary>
    [Alias("get-limits-history"), ReadOnly]
    Task<LimitsHistory?> GetLimitsHistory(CancellationToken cancellationToken = default);

    /// <summary>
    /// Journals that support (<paramref name="reader"/>, the token's subject) opened <paramref name="what"/> (a
    /// <see cref="Support.SupportReads"/> name); completes once that is durable. False for no such customer.
    /// </summary>
    [Alias("record-support-access")]
    Task<bool> RecordSupportAccess(string reader, string what, CancellationToken cancellationToken = default);

    /// <summary>States all three caps; stricter ones apply at once, looser ones after the cooling-off.</summary>
    [Alias("set-limits")]
    Task<LimitsResult> SetLimits(CapRequest caps, CancellationToken cancellationToken = default);

    [Alias("self-exclude")]
    Task<LimitsResult> SelfExclude(DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers at once whether <paramref name="request"/> is a retry (its stored answer), a reused key (mismatch), or
    /// still running (in flight); null when it would go ahead. The money-moving methods check the same themselves.
    /// </summary>
    [Alias("check-idempotency"), AlwaysInterleave]
    Task<MoneyResult?> CheckIdempotency(IdempotentRequest request, CancellationToken cancellationToken = default);

    [Alias("create-checkout")]
    Task<MoneyResult> CreateCheckout(IdempotentRequest request, CheckoutDraft draft, CancellationToken cancellationToken = default);

    [Alias("confirm-checkout")]
    Task<MoneyResult> ConfirmCheckout(IdempotentRequest request, string checkoutId, ConfirmDraft draft, CancellationToken cancellationToken = default);

    [Alias("refund-payment")]
    Task<MoneyResult> RefundPayment(IdempotentRequest request, string paymentId, RefundDraft draft, CancellationToken cancellationToken = default);

    /// <summary>A checkout with the methods and headroom it would be offered with now; null when there is no such checkout.</summary>
    [Alias("get-checkout"), ReadOnly]
    Task<CheckoutSummary?> GetCheckout(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>The loyalty points the customer has to redeem (those held by a payment being decided excluded); null for no such customer.</summary>
    [Alias("get-loyalty-points"), ReadOnly]
    Task<long?> GetLoyaltyPoints(CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers (or renews) <paramref name="observer"/> to hear of every change, and answers the sequence number of
    /// the latest one; null for no such customer. Watchers that stop renewing are forgotten after a minute.
    /// </summary>
    [Alias("watch")]
    Task<long?> Watch(ICustomerObserver observer, CancellationToken cancellationToken = default);

    [Alias("unwatch")]
    Task Unwatch(ICustomerObserver observer, CancellationToken cancellationToken = default);

    /// <summary>A payment this customer's state still holds (open ones and the most recent settled ones; the journal has all).</summary>
    [Alias("get-payment"), ReadOnly]
    Task<Payment?> GetPayment(string paymentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Merges this customer and <paramref name="fromId"/>: the older profile survives, whichever of the two this is.
    /// Idempotent: asked again (of either side), it answers the same and moves nothing twice.
    /// </summary>
    [Alias("merge")]
    Task<MergeResult> Merge(string fromId, CancellationToken cancellationToken = default);

    /// <summary>As the survivor, takes in <paramref name="mergedId"/> (or finishes taking it in). For <see cref="Merge"/>, not for the API.</summary>
    [Alias("merge-absorb")]
    Task<MergeResult> Absorb(string mergedId, CancellationToken cancellationToken = default);

    /// <summary>As the merged-away side, records that it is <paramref name="survivorId"/>'s and hands over what moves (again, on a repeat).</summary>
    [Alias("merge-hand-over")]
    Task<HandOverResult> HandOver(string survivorId, CancellationToken cancellationToken = default);

    /// <summary>When this customer was created and whether it was merged away; null for no such customer.</summary>
    [Alias("merge-standing"), ReadOnly]
    Task<MergeStanding?> GetMergeStanding(CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases this customer by crypto-shredding (see <c>CustomerGrain.Erasure.cs</c>): from the moment it starts every
    /// other call is refused with <see cref="CustomerErasedException"/>. Idempotent: asked again it finishes what is
    /// left, and once done it answers <see cref="ErasureResult.Erased"/> again.
    /// </summary>
    [Alias("erase")]
    Task<ErasureResult> Erase(ErasedBy by, CancellationToken cancellationToken = default);

    /// <summary>The customers merged into this one (their payment history is this customer's too); null for no such customer.</summary>
    [Alias("get-merged-from"), ReadOnly]
    Task<IReadOnlyList<string>?> GetMergedFrom(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes what aged out before <paramref name="cutoffs"/> from the state and then from the journal (rows a snapshot
    /// covers). For the retention sweep, not for the API.
    /// </summary>
    [Alias("remove-aged-data")]
    Task<AgedDataPurge> RemoveAgedData(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default);

    /// <summary>The customer's support cases, newest first; <see cref="CaseResult.CustomerNotFound"/> for no such customer.</summary>
    [Alias("get-cases"), ReadOnly]
    Task<CaseResult> GetCases(CancellationToken cancellationToken = default);

    [Alias("get-case"), ReadOnly]
    Task<CaseResult> GetCase(string caseId, CancellationToken cancellationToken = default);

    /// <summary>Support opens a case (a dispute or a question) on one of the customer's payments, with its first message.</summary>
    [Alias("open-case")]
    Task<CaseResult> OpenCase(CaseDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Adds a message from <paramref name="from"/> to an open case.</summary>
    [Alias("post-case-message")]
    Task<CaseResult> PostCaseMessage(string caseId, CaseAuthor from, string? text, CancellationToken cancellationToken = default);

    /// <summary>Support closes a case, with a resolution if it likes; closing a closed case changes nothing.</summary>
    [Alias("close-case")]
    Task<CaseResult> CloseCase(string caseId, string? resolution, CancellationToken cancellationToken = default);

    /// <summary>The feedback the customer gave, newest first.</summary>
    [Alias("get-feedback"), ReadOnly]
    Task<FeedbackResult> GetFeedback(CancellationToken cancellationToken = default);

    /// <summary>Records the customer's feedback on a succeeded payment or a closed case, once per subject.</summary>
    [Alias("give-feedback")]
    Task<FeedbackResult> GiveFeedback(FeedbackDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Starts enrolling an authenticator app (needs a fresh step-up); it counts once <see cref="ConfirmTotpEnrolment"/> gets a right code.</summary>
    [Alias("start-totp-enrolment")]
    Task<AccountStepUpResult> StartTotpEnrolment(CancellationToken cancellationToken = default);

    [Alias("confirm-totp-enrolment")]
    Task<AccountStepUpResult> ConfirmTotpEnrolment(string code, CancellationToken cancellationToken = default);

    /// <summary>Asks the calling device to step up: by the app when enrolled, else by a one-time code sent to the customer.</summary>
    [Alias("challenge-step-up")]
    Task<AccountStepUpResult> ChallengeStepUp(CancellationToken cancellationToken = default);

    /// <summary>Checks a step-up code; a right one lets the calling device make sensitive changes for a while.</summary>
    [Alias("verify-step-up")]
    Task<AccountStepUpResult> VerifyStepUp(string code, CancellationToken cancellationToken = default);
}
