using System.Collections.Immutable;
using Actors.Grains.Journal;
using Actors.Grains.Payments;

namespace Actors.Grains.Idempotency;

/// <summary>
/// A client's idempotency key with the fingerprint of the request it came with (method, path, query and body), so
/// the same key on a different request is told apart from a retry.
/// </summary>
[GenerateSerializer, Immutable, Alias("idempotent-request-v1")]
public sealed record IdempotentRequest([property: Id(0)] string Key, [property: Id(1)] string Fingerprint);

/// <summary>
/// How the answer to a request is kept: small. A refusal is kept as it is; an answer that shows a checkout, payment
/// or refund names where in the journal it is rebuilt from, so a replay is the first answer exactly.
/// </summary>
[GenerateSerializer, Immutable, Alias("stored-answer")]
public abstract record StoredAnswer
{
    [GenerateSerializer, Immutable, Alias("stored-answer-outcome-v1")]
    public sealed record Outcome([property: Id(0)] MoneyResult Result) : StoredAnswer;

    /// <summary>The <c>CheckoutCreated</c> event at <see cref="Sequence"/> holds the summary that was answered.</summary>
    [GenerateSerializer, Immutable, Alias("stored-answer-checkout-v1")]
    public sealed record Checkout([property: Id(0)] long Sequence) : StoredAnswer;

    /// <summary>The payment as its events up to <see cref="UpTo"/> left it.</summary>
    [GenerateSerializer, Immutable, Alias("stored-answer-payment-v1")]
    public sealed record Payment([property: Id(0)] string PaymentId, [property: Id(1)] long UpTo) : StoredAnswer;

    /// <summary>
    /// Kept with a payment's reservation: a confirmation whose ending was cut off (the commit of its outcome, or the
    /// answer to the caller) is answered on retry with the payment as the journal holds it then, not with the closed
    /// checkout it finds. The confirmation's own answer, when it gets to append it, takes this one's place.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("stored-answer-payment-underway-v1")]
    public sealed record PaymentUnderway([property: Id(0)] string PaymentId) : StoredAnswer;

    /// <summary>The refund and its payment as their events up to <see cref="UpTo"/> left them.</summary>
    [GenerateSerializer, Immutable, Alias("stored-answer-refund-v1")]
    public sealed record Refund([property: Id(0)] string RefundId, [property: Id(1)] string PaymentId, [property: Id(2)] long UpTo) : StoredAnswer;

    /// <summary>
    /// How to keep <paramref name="result"/>, answered once the request's events, numbered <paramref name="firstSequence"/>
    /// to <paramref name="upTo"/>, are appended. A checkout's creation is the first (and only) event of its request.
    /// </summary>
    public static StoredAnswer For(MoneyResult result, long upTo, long firstSequence) => result switch
    {
        MoneyResult.CheckoutCreated => new Checkout(firstSequence),
        MoneyResult.PaymentResult paid => new Payment(paid.Payment.Id, upTo),
        MoneyResult.Refunded refunded => new Refund(refunded.Refund.Id, refunded.Payment.Id, upTo),
        _ => new Outcome(result),
    };

    /// <summary>The answer a payment's or refund's events rebuild, read from the journal in order.</summary>
    public static MoneyResult Rebuild(StoredAnswer answer, IReadOnlyList<JournalEvent> events)
    {
        var payment = events.Aggregate((Payments.Payment?)null, PaymentLife.Apply)
            ?? throw new InvalidOperationException("A stored answer names a payment its journal does not hold.");
        return answer switch
        {
            Payment or PaymentUnderway => new MoneyResult.PaymentResult(payment),
            Refund refund => new MoneyResult.Refunded(
                events.OfType<RefundRequested>().Single(requested => requested.Refund.Id == refund.RefundId).Refund, payment),
            _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "Not an answer rebuilt from a payment's events."),
        };
    }
}

/// <summary>A request under an idempotency key ran; a retry with the same key and request gets <see cref="Answer"/>.</summary>
[GenerateSerializer, Immutable, Alias("request-answered-v1")]
public sealed record RequestAnswered(
    [property: Id(0)] string Key,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] StoredAnswer Answer) : JournalEvent;

[GenerateSerializer, Immutable, Alias("idempotency-record-v2")]
public sealed record IdempotencyRecord(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] StoredAnswer Answer);

/// <summary>
/// The answers given under each idempotency key of one customer for <see cref="Retention"/> (24 h, as Stripe),
/// bounded to <see cref="MaxRecords"/> so state stays small; past the bound the oldest are forgotten first.
/// </summary>
[GenerateSerializer, Immutable, Alias("idempotency-book-v2")]
public sealed record IdempotencyBook
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    public const int MaxRecords = 1000;

    [Id(0)] public ImmutableDictionary<string, IdempotencyRecord> Records { get; init; } = ImmutableDictionary<string, IdempotencyRecord>.Empty;

    /// <summary>The keys in the order they were answered, oldest first: what to forget next.</summary>
    [Id(1)] public ImmutableList<string> Order { get; init; } = [];

    public static IdempotencyBook Empty { get; } = new();

    /// <summary>How a retry is answered; a reused key gets a mismatch; null when the request is new.</summary>
    public StoredAnswer? Lookup(IdempotentRequest request, DateTimeOffset now) =>
        Records.TryGetValue(request.Key, out var record) && now - record.CreatedAt < Retention
            ? record.Fingerprint == request.Fingerprint ? record.Answer : new StoredAnswer.Outcome(new MoneyResult.IdempotencyMismatch())
            : null;

    /// <summary>Remembers an answer given at <paramref name="now"/>, forgetting expired records and the oldest past the bound.</summary>
    public IdempotencyBook Remember(string key, string fingerprint, StoredAnswer answer, DateTimeOffset now)
    {
        // A key comes back only once its record expired; it moves to the end of the order.
        var order = Records.ContainsKey(key) ? Order.Remove(key) : Order;
        var records = Records.SetItem(key, new IdempotencyRecord(fingerprint, now, answer));
        order = order.Add(key);
        while (records.Count > MaxRecords || now - records[order[0]].CreatedAt >= Retention)
        {
            records = records.Remove(order[0]);
            order = order.RemoveAt(0);
        }
        return this with { Records = records, Order = order };
    }
}
