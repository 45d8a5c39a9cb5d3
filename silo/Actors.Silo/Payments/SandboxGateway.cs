using Actors.Grains;
using Actors.Grains.Payments;
using Npgsql;

namespace Actors.Silo.Payments;

/// <summary>
/// A gateway for development and tests that behaves like a real processor, deterministically by token, and keeps
/// its charges in its own tables. The payment id is the charge's idempotency key: asking twice, even at once from
/// two silos, answers with the one charge.
/// <list type="bullet">
/// <item><c>tok_visa</c>, <c>tok_mastercard</c>: succeed.</item>
/// <item><c>tok_chargeDeclined</c>, <c>tok_insufficientFunds</c>: declined (<c>card_declined</c>, <c>insufficient_funds</c>).</item>
/// <item><c>tok_stepUpRequired</c>: requires action; charging again with the code <see cref="StepUpCode"/> succeeds, any other code declines (<c>authentication_failed</c>).</item>
/// <item><c>tok_slow</c>: succeeds after <see cref="SlowDelay"/>.</item>
/// <item><c>tok_timeout</c>: the charge is made, but the answer never comes (the call waits until cancelled).</item>
/// <item>anything else: declined (<c>invalid_token</c>).</item>
/// </list>
/// </summary>
public sealed class SandboxGateway(PaymentsDataSource database) : IPaymentGateway
{
    public const string StepUpCode = "123456";
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(2);

    private const string Succeeded = "succeeded";
    private const string Declined = "declined";
    private const string RequiresAction = "requires_action";

    public async Task<ChargeOutcome> Charge(ChargeRequest request, CancellationToken cancellationToken)
    {
        if (request.Token == "tok_slow")
        {
            await Task.Delay(SlowDelay, cancellationToken);
        }

        var (status, reason) = request.Token switch
        {
            "tok_visa" or "tok_mastercard" or "tok_slow" or "tok_timeout" => (Succeeded, (string?)null),
            "tok_chargeDeclined" => (Declined, "card_declined"),
            "tok_insufficientFunds" => (Declined, "insufficient_funds"),
            "tok_stepUpRequired" => (RequiresAction, null),
            _ => (Declined, "invalid_token"),
        };
        await using (var insert = database.Source.CreateCommand("""
            INSERT INTO sandbox_charges (payment_id, customer_id, token, amount, currency, status, decline_reason, charge_id)
            VALUES (@payment_id, @customer_id, @token, @amount, @currency, @status, @reason, @charge_id)
            ON CONFLICT (payment_id) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("payment_id", request.PaymentId);
            insert.Parameters.AddWithValue("customer_id", request.CustomerId);
            insert.Parameters.AddWithValue("token", request.Token);
            insert.Parameters.AddWithValue("amount", request.Amount);
            insert.Parameters.AddWithValue("currency", request.Currency);
            insert.Parameters.AddWithValue("status", status);
            insert.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
            insert.Parameters.AddWithValue("charge_id", RandomIds.New("ch_"));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (request.StepUpCode is { } code)
        {
            await CompleteStepUp(request.PaymentId, code, cancellationToken);
        }
        var outcome = await Find(request.PaymentId, cancellationToken)
            ?? throw new InvalidOperationException($"The charge for {request.PaymentId} vanished.");

        if (request.Token == "tok_timeout")
        {
            // The processor took the money but its answer is lost: the caller only ever sees a timeout.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        return outcome;
    }

    public async Task<ChargeOutcome?> Find(string paymentId, CancellationToken cancellationToken)
    {
        await using var select = database.Source.CreateCommand("SELECT status, decline_reason, charge_id FROM sandbox_charges WHERE payment_id = @payment_id");
        select.Parameters.AddWithValue("payment_id", paymentId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return reader.GetString(0) switch
        {
            Succeeded => new ChargeOutcome.Succeeded(reader.GetString(2)),
            Declined => new ChargeOutcome.Declined(reader.GetString(1)),
            _ => new ChargeOutcome.RequiresAction(),
        };
    }

    public async Task<RefundOutcome> Refund(RefundRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await database.Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The charge row is the lock: concurrent refunds of one payment take turns, so their sum is checked exactly.
        await using var charge = new NpgsqlCommand("SELECT status, amount FROM sandbox_charges WHERE payment_id = @payment_id FOR UPDATE", connection, transaction);
        charge.Parameters.AddWithValue("payment_id", request.PaymentId);
        string status;
        long captured;
        await using (var reader = await charge.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new RefundOutcome.Rejected("charge_not_found");
            }
            (status, captured) = (reader.GetString(0), reader.GetInt64(1));
        }
        if (status != Succeeded)
        {
            return new RefundOutcome.Rejected("not_captured");
        }

        await using var sums = new NpgsqlCommand("""
            SELECT coalesce(sum(amount), 0), bool_or(refund_id = @refund_id) FROM sandbox_refunds WHERE payment_id = @payment_id
            """, connection, transaction);
        sums.Parameters.AddWithValue("payment_id", request.PaymentId);
        sums.Parameters.AddWithValue("refund_id", request.RefundId);
        long refunded;
        bool seen;
        await using (var reader = await sums.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (refunded, seen) = (reader.GetInt64(0), !reader.IsDBNull(1) && reader.GetBoolean(1));
        }
        if (seen)
        {
            return new RefundOutcome.Refunded();
        }
        if (refunded + request.Amount > captured)
        {
            return new RefundOutcome.Rejected("exceeds_captured");
        }

        await using var insert = new NpgsqlCommand("INSERT INTO sandbox_refunds (refund_id, payment_id, amount) VALUES (@refund_id, @payment_id, @amount)", connection, transaction);
        insert.Parameters.AddWithValue("refund_id", request.RefundId);
        insert.Parameters.AddWithValue("payment_id", request.PaymentId);
        insert.Parameters.AddWithValue("amount", request.Amount);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RefundOutcome.Refunded();
    }

    /// <summary>Settles a charge that waits for step-up: the right code succeeds, a wrong one declines for good.</summary>
    private async Task CompleteStepUp(string paymentId, string code, CancellationToken cancellationToken)
    {
        await using var update = database.Source.CreateCommand("""
            UPDATE sandbox_charges
            SET status = CASE WHEN @code = @expected THEN 'succeeded' ELSE 'declined' END,
                decline_reason = CASE WHEN @code = @expected THEN NULL ELSE 'authentication_failed' END,
                updated_at = now()
            WHERE payment_id = @payment_id AND status = 'requires_action'
            """);
        update.Parameters.AddWithValue("payment_id", paymentId);
        update.Parameters.AddWithValue("code", code);
        update.Parameters.AddWithValue("expected", StepUpCode);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}
