using System.Security.Cryptography;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Silo.Hosting;
using Npgsql;

namespace Actors.Silo.Payments;

/// <summary>The test card tokens the sandbox gateway understands; any other token is declined as <c>invalid_token</c>.</summary>
public static class SandboxTokens
{
    /// <summary>Succeeds.</summary>
    public const string Visa = "tok_visa";

    /// <summary>Succeeds.</summary>
    public const string Mastercard = "tok_mastercard";

    /// <summary>Declined with <c>card_declined</c>.</summary>
    public const string ChargeDeclined = "tok_chargeDeclined";

    /// <summary>Declined with <c>insufficient_funds</c>.</summary>
    public const string InsufficientFunds = "tok_insufficientFunds";

    /// <summary>
    /// Requires step-up: charge again with <see cref="SandboxGateway.StepUpCode"/>; up to
    /// <see cref="SandboxGateway.StepUpTries"/> codes may be tried.
    /// </summary>
    public const string StepUpRequired = "tok_stepUpRequired";

    /// <summary>Succeeds after <see cref="SandboxGateway.SlowDelay"/>; so does each new refund of its charges.</summary>
    public const string Slow = "tok_slow";

    /// <summary>
    /// The charge succeeds, but the answer never comes: the caller's cancellation ends the wait. Each new refund of
    /// its charges is made and unanswered the same way; asking again (same payment or refund id) answers at once.
    /// </summary>
    public const string Timeout = "tok_timeout";
}

/// <summary>
/// The built-in card processor for development and tests, with deterministic outcomes per
/// <see cref="SandboxTokens">token</see>. It keeps its own books in <c>sandbox_charges</c> and <c>sandbox_refunds</c>,
/// and, like a real processor, makes at most one charge per payment id and at most one refund per refund id,
/// whatever the retries and however many silos ask at once.
/// </summary>
public sealed class SandboxGateway(SiloDatabase database, TimeProvider clock) : IPaymentGateway
{
    /// <summary>
    /// The step-up code that completes a charge waiting for it (a charge of <see cref="SandboxTokens.StepUpRequired"/>).
    /// Any other code counts as a failed try; the last of <see cref="StepUpTries"/> declines the charge for good with
    /// <c>authentication_failed</c>.
    /// </summary>
    public const string StepUpCode = "123456";

    /// <summary>How many codes a charge waiting for step-up may be tried with, as a card issuer allows.</summary>
    public const int StepUpTries = 3;

    /// <summary>How long <see cref="SandboxTokens.Slow"/> takes before it answers.</summary>
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(2);

    private const string Succeeded = "succeeded";
    private const string Declined = "declined";
    private const string RequiresAction = "requires_action";

    /// <inheritdoc />
    /// <remarks>
    /// A step-up code completes only a challenge issued by an earlier call: the first charge of
    /// <see cref="SandboxTokens.StepUpRequired"/> always answers <see cref="ChargeOutcome.RequiresAction"/>.
    /// A payment id already charged answers with what that charge ended as, whatever the new request says.
    /// </remarks>
    public async Task<ChargeOutcome> Charge(ChargeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Amount <= 0)
        {
            return new ChargeOutcome.Declined("invalid_amount");
        }
        if (!Currencies.TryNormalize(request.Currency, out var currency))
        {
            return new ChargeOutcome.Declined("invalid_currency");
        }

        // Only a slow card looks first, so that a retry of it does not wait again; others insert at once.
        var charge = request.Token == SandboxTokens.Slow ? await Read(request.PaymentId, cancellationToken) : null;
        if (charge is null)
        {
            if (request.Token == SandboxTokens.Slow)
            {
                await Task.Delay(SlowDelay, clock, cancellationToken);
            }

            (charge, var created) = await Create(request with { Currency = currency }, cancellationToken);
            if (created && request.Token == SandboxTokens.Timeout)
            {
                // The card is charged, but the answer is lost on the way: only the caller's deadline ends the wait.
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, clock, cancellationToken);
            }
            if (created)
            {
                return charge.Outcome;
            }
        }

        if (charge.Status == RequiresAction && request.StepUpCode is { } code)
        {
            charge = await CompleteStepUp(request.PaymentId, code, cancellationToken);
        }
        return charge.Outcome;
    }

    public async Task<ChargeOutcome?> Find(string paymentId, CancellationToken cancellationToken) =>
        (await Read(paymentId, cancellationToken))?.Outcome;

    public async Task<RefundOutcome> Refund(RefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Amount <= 0)
        {
            return new RefundOutcome.Rejected("invalid_amount");
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Refunds of one payment take turns on its charge row, so each one sees every refund committed before it.
        await using var lockCharge = new NpgsqlCommand(
            "SELECT amount, currency, status, token FROM sandbox_charges WHERE payment_id = $1 FOR UPDATE", connection, transaction);
        lockCharge.Parameters.Add(new() { Value = request.PaymentId });
        long charged;
        string chargeCurrency, status, token;
        await using (var reader = await lockCharge.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new RefundOutcome.Rejected("charge_not_found");
            }
            (charged, chargeCurrency, status, token) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }

        var earlier = await ReadRefund(connection, transaction, request.RefundId, cancellationToken);
        if (earlier is not null)
        {
            return earlier == (request.PaymentId, request.Amount)
                ? new RefundOutcome.Refunded()
                : new RefundOutcome.Rejected("refund_id_reused");
        }
        if (status != Succeeded)
        {
            return new RefundOutcome.Rejected("not_captured");
        }
        if (!string.Equals(request.Currency, chargeCurrency, StringComparison.OrdinalIgnoreCase))
        {
            return new RefundOutcome.Rejected("currency_mismatch");
        }

        await using var sum = new NpgsqlCommand(
            "SELECT coalesce(sum(amount), 0)::bigint FROM sandbox_refunds WHERE payment_id = $1", connection, transaction);
        sum.Parameters.Add(new() { Value = request.PaymentId });
        var refunded = (long)(await sum.ExecuteScalarAsync(cancellationToken))!;
        if (request.Amount > charged - refunded)
        {
            return new RefundOutcome.Rejected("exceeds_captured");
        }

        if (token == SandboxTokens.Slow)
        {
            await Task.Delay(SlowDelay, clock, cancellationToken);
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO sandbox_refunds (refund_id, payment_id, amount, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (refund_id) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = request.RefundId });
        insert.Parameters.Add(new() { Value = request.PaymentId });
        insert.Parameters.Add(new() { Value = request.Amount });
        insert.Parameters.Add(new() { Value = clock.GetUtcNow() });
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            // The same refund id was just used for another payment (a refund of this one would have waited for our lock).
            return new RefundOutcome.Rejected("refund_id_reused");
        }

        await transaction.CommitAsync(cancellationToken);
        if (token == SandboxTokens.Timeout)
        {
            // Refunded, but the answer is lost on the way, as with its charge; asking again for this refund id answers.
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, clock, cancellationToken);
        }
        return new RefundOutcome.Refunded();
    }

    /// <summary>
    /// The first outcome of a charge, before any step-up: a charge the merchant asks to be challenged waits for the code
    /// whenever the card would have succeeded, as a card issuer does.
    /// </summary>
    private static (string Status, string? DeclineReason) Decide(ChargeRequest request) =>
        Decide(request.Token) is (Succeeded, _) && request.ChallengeRequested ? (RequiresAction, null) : Decide(request.Token);

    private static (string Status, string? DeclineReason) Decide(string token) => token switch
    {
        SandboxTokens.Visa or SandboxTokens.Mastercard or SandboxTokens.Slow or SandboxTokens.Timeout => (Succeeded, null),
        SandboxTokens.ChargeDeclined => (Declined, "card_declined"),
        SandboxTokens.InsufficientFunds => (Declined, "insufficient_funds"),
        SandboxTokens.StepUpRequired => (RequiresAction, null),
        _ => (Declined, "invalid_token"),
    };

    /// <summary>
    /// Records the charge unless the payment id has one already, and returns the row that stands. Insert first, read
    /// second: the primary key decides between racing requests, so two of them can never both charge.
    /// </summary>
    private async Task<(StoredCharge Charge, bool Created)> Create(ChargeRequest request, CancellationToken cancellationToken)
    {
        var (status, declineReason) = Decide(request);
        var now = clock.GetUtcNow();
        await using var insert = database.DataSource.CreateCommand("""
            INSERT INTO sandbox_charges
                (payment_id, customer_id, token, amount, currency, status, decline_reason, charge_id, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
            ON CONFLICT (payment_id) DO NOTHING
            RETURNING status, decline_reason, charge_id, step_up_failures
            """);
        insert.Parameters.Add(new() { Value = request.PaymentId });
        insert.Parameters.Add(new() { Value = request.CustomerId });
        insert.Parameters.Add(new() { Value = request.Token });
        insert.Parameters.Add(new() { Value = request.Amount });
        insert.Parameters.Add(new() { Value = request.Currency });
        insert.Parameters.Add(new() { Value = status });
        insert.Parameters.Add(new() { Value = (object?)declineReason ?? DBNull.Value });
        insert.Parameters.Add(new() { Value = "ch_" + RandomNumberGenerator.GetHexString(24, lowercase: true) });
        insert.Parameters.Add(new() { Value = now });
        var created = await ReadCharge(insert, cancellationToken);
        if (created is not null)
        {
            return (created, true);
        }

        // ON CONFLICT waited for the other request to commit, so a new statement sees its row.
        return (await Read(request.PaymentId, cancellationToken)
            ?? throw new InvalidOperationException($"Charge {request.PaymentId} conflicted but cannot be read."), false);
    }

    /// <summary>
    /// Tries a code on a challenge. The right code completes it; a wrong one counts against its tries, and the last
    /// try declines it. Once it is decided, later codes read what it became. Each try is one conditional update, so
    /// codes racing each other are counted one by one.
    /// </summary>
    private async Task<StoredCharge> CompleteStepUp(string paymentId, string code, CancellationToken cancellationToken)
    {
        await using var update = database.DataSource.CreateCommand(code == StepUpCode
            ? """
              UPDATE sandbox_charges SET status = 'succeeded', decline_reason = NULL, updated_at = $2
              WHERE payment_id = $1 AND status = 'requires_action'
              RETURNING status, decline_reason, charge_id, step_up_failures
              """
            : """
              UPDATE sandbox_charges SET
                  step_up_failures = step_up_failures + 1,
                  status = CASE WHEN step_up_failures + 1 >= $3 THEN 'declined' ELSE status END,
                  decline_reason = CASE WHEN step_up_failures + 1 >= $3 THEN 'authentication_failed' END,
                  updated_at = $2
              WHERE payment_id = $1 AND status = 'requires_action'
              RETURNING status, decline_reason, charge_id, step_up_failures
              """);
        update.Parameters.Add(new() { Value = paymentId });
        update.Parameters.Add(new() { Value = clock.GetUtcNow() });
        if (code != StepUpCode)
        {
            update.Parameters.Add(new() { Value = StepUpTries });
        }
        return await ReadCharge(update, cancellationToken)
            ?? await Read(paymentId, cancellationToken)
            ?? throw new InvalidOperationException($"Charge {paymentId} disappeared.");
    }

    private async Task<StoredCharge?> Read(string paymentId, CancellationToken cancellationToken)
    {
        await using var select = database.DataSource.CreateCommand(
            "SELECT status, decline_reason, charge_id, step_up_failures FROM sandbox_charges WHERE payment_id = $1");
        select.Parameters.Add(new() { Value = paymentId });
        return await ReadCharge(select, cancellationToken);
    }

    private static async Task<StoredCharge?> ReadCharge(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCharge(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt32(3))
            : null;
    }

    private static async Task<(string PaymentId, long Amount)?> ReadRefund(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string refundId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "SELECT payment_id, amount FROM sandbox_refunds WHERE refund_id = $1", connection, transaction);
        select.Parameters.Add(new() { Value = refundId });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private sealed record StoredCharge(string Status, string? DeclineReason, string ChargeId, int StepUpFailures)
    {
        public ChargeOutcome Outcome => Status switch
        {
            Succeeded => new ChargeOutcome.Succeeded(ChargeId),
            Declined => new ChargeOutcome.Declined(DeclineReason ?? "declined"),
            _ => new ChargeOutcome.RequiresAction(StepUpTries - StepUpFailures),
        };
    }
}
