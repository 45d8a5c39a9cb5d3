using System.Collections.Immutable;
using Actors.Grains.Payments;

namespace Actors.Grains.Idempotency;

/// <summary>
/// A client's idempotency key with the fingerprint of the request it came with (method, path and body), so the
/// same key on a different request is told apart from a retry.
/// </summary>
[GenerateSerializer, Immutable, Alias("idempotent-request-v1")]
public sealed record IdempotentRequest([property: Id(0)] string Key, [property: Id(1)] string Fingerprint);

[GenerateSerializer, Immutable, Alias("idempotency-record-v1")]
public sealed record IdempotencyRecord(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] MoneyResult Result);

/// <summary>
/// The answers given under each idempotency key of one customer for <see cref="Retention"/> (24 h, as Stripe),
/// bounded to <see cref="MaxRecords"/> so state stays small; past the bound the oldest are forgotten first.
/// </summary>
[GenerateSerializer, Immutable, Alias("idempotency-book-v1")]
public sealed record IdempotencyBook
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    public const int MaxRecords = 1000;

    [Id(0)] public ImmutableDictionary<string, IdempotencyRecord> Records { get; init; } = ImmutableDictionary<string, IdempotencyRecord>.Empty;

    public static IdempotencyBook Empty { get; } = new();

    /// <summary>The stored answer for a retry, a mismatch for a reused key, or null when the request is new.</summary>
    public MoneyResult? Lookup(IdempotentRequest request, DateTimeOffset now) =>
        Records.TryGetValue(request.Key, out var record) && now - record.CreatedAt < Retention
            ? record.Fingerprint == request.Fingerprint ? record.Result : new MoneyResult.IdempotencyMismatch()
            : null;

    /// <summary>Remembers <paramref name="result"/> when a retry must see it again; forgets expired and excess records.</summary>
    public IdempotencyBook Remember(IdempotentRequest request, MoneyResult result, DateTimeOffset now)
    {
        var live = Records.Where(pair => now - pair.Value.CreatedAt < Retention);
        if (result.IsReplayable)
        {
            live = live.Append(new(request.Key, new IdempotencyRecord(request.Fingerprint, now, result)));
        }
        return this with
        {
            Records = live
                .OrderByDescending(pair => pair.Value.CreatedAt)
                .Take(MaxRecords)
                .ToImmutableDictionary(),
        };
    }
}
