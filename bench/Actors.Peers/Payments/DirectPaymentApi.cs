using Actors.Peers.Auth;
using Actors.Peers.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Actors.Peers.Payments;

public sealed record DirectPaymentRequest(long Amount, string? Currency, string? PaymentMethodId);

public sealed record DirectPaymentView(
    string Id, string Status, long Amount, string Currency, string PaymentMethodId, string Channel, long Spent, long Cap, DateTimeOffset CreatedAt);

/// <summary>
/// <c>POST {prefix}/v1/customers/{customerId}/payments</c>: one payment as one transaction, no gateway and no
/// checkout, the way a payment is often written straight against the database:
/// peer A lets a conditional UPDATE enforce the cap; peer B locks the row, checks in C#, and writes it back.
/// </summary>
public static class DirectPaymentApi
{
    private const string Description = "Direct payment";

    public static RouteGroupBuilder MapConditionalUpdatePayments(this IEndpointRouteBuilder app, string prefix)
    {
        var customer = app.MapCustomerGroup(prefix).WithTags("Peer A");
        customer.MapPost("/payments", PayWithConditionalUpdate).RequireAuthorization(PeerAuth.WriteCustomer);
        return customer;
    }

    public static RouteGroupBuilder MapRowLockPayments(this IEndpointRouteBuilder app, string prefix)
    {
        var customer = app.MapCustomerGroup(prefix).WithTags("Peer B");
        customer.MapPost("/payments", PayWithRowLock).RequireAuthorization(PeerAuth.WriteCustomer);
        return customer;
    }

    /// <summary>Peer A: <c>UPDATE … WHERE spent + amount &lt;= cap</c> decides, the ledger row follows, one commit.</summary>
    private static async Task<Results<Created<DirectPaymentView>, ProblemHttpResult>> PayWithConditionalUpdate(
        string customerId, DirectPaymentRequest request, PeerDatabase database, HttpContext http)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await using var spend = new NpgsqlCommand("""
            UPDATE customers SET spent = spent + $2
            WHERE id = $1 AND home_currency = $3 AND spent + $2 <= cap
            RETURNING spent, cap
            """, connection, transaction);
        spend.Parameters.Add(new() { Value = customerId });
        spend.Parameters.Add(new() { Value = request.Amount });
        spend.Parameters.Add(new() { Value = request.Currency! });
        long spent, cap;
        await using (var reader = await spend.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                await reader.CloseAsync();
                await transaction.RollbackAsync();
                return await WhyRefused(connection, customerId, request);
            }
            (spent, cap) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var payment = await Record(connection, transaction, customerId, request, http.Channel());
        await transaction.CommitAsync();
        return Created(customerId, payment, request, http.Channel(), spent, cap);
    }

    /// <summary>Peer B: <c>SELECT … FOR UPDATE</c>, the cap checked in C#, then UPDATE, the ledger row, one commit.</summary>
    private static async Task<Results<Created<DirectPaymentView>, ProblemHttpResult>> PayWithRowLock(
        string customerId, DirectPaymentRequest request, PeerDatabase database, HttpContext http)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await using var read = new NpgsqlCommand(
            "SELECT spent, cap, home_currency FROM customers WHERE id = $1 FOR UPDATE", connection, transaction);
        read.Parameters.Add(new() { Value = customerId });
        long spent, cap;
        string currency;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return PeerProblems.CustomerNotFound();
            }
            (spent, cap, currency) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2));
        }
        if (currency != request.Currency)
        {
            return UnsupportedCurrency(request.Currency!, currency);
        }
        if (spent + request.Amount > cap)
        {
            return PeerProblems.CapExceeded(cap, spent, currency);
        }

        await using var write = new NpgsqlCommand("UPDATE customers SET spent = $2 WHERE id = $1", connection, transaction);
        write.Parameters.Add(new() { Value = customerId });
        write.Parameters.Add(new() { Value = spent + request.Amount });
        await write.ExecuteNonQueryAsync();

        var payment = await Record(connection, transaction, customerId, request, http.Channel());
        await transaction.CommitAsync();
        return Created(customerId, payment, request, http.Channel(), spent + request.Amount, cap);
    }

    private static async Task<(string Id, DateTimeOffset At)> Record(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string customerId, DirectPaymentRequest request, string channel)
    {
        var id = PeerIds.New(PeerIds.Payment);
        var now = DateTimeOffset.UtcNow;
        await Ledger.Append(connection, transaction,
            new LedgerRow(id, customerId, "succeeded", request.Amount, request.Currency!, null, null, channel, Description, now));
        return (id, now);
    }

    private static Created<DirectPaymentView> Created(
        string customerId, (string Id, DateTimeOffset At) payment, DirectPaymentRequest request, string channel, long spent, long cap) =>
        TypedResults.Created($"/v1/customers/{customerId}/payments/{payment.Id}", new DirectPaymentView(
            payment.Id, "succeeded", request.Amount, request.Currency!, request.PaymentMethodId!, channel, spent, cap, payment.At));

    /// <summary>Why a conditional update matched no row: no such customer, another currency, or the cap.</summary>
    private static async Task<ProblemHttpResult> WhyRefused(NpgsqlConnection connection, string customerId, DirectPaymentRequest request)
    {
        await using var read = new NpgsqlCommand("SELECT spent, cap, home_currency FROM customers WHERE id = $1", connection);
        read.Parameters.Add(new() { Value = customerId });
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return PeerProblems.CustomerNotFound();
        }
        var currency = reader.GetString(2);
        return currency != request.Currency
            ? UnsupportedCurrency(request.Currency!, currency)
            : PeerProblems.CapExceeded(reader.GetInt64(1), reader.GetInt64(0), currency);
    }

    private static ProblemHttpResult? Validate(DirectPaymentRequest request)
    {
        if (request.Amount is <= 0 or > 1_000_000_000_000_000)
        {
            return PeerProblems.Invalid("amount", "must be a whole number of minor units from 1 to 10^15");
        }
        if (request.Currency is not { Length: 3 })
        {
            return PeerProblems.Invalid("currency", "must be an ISO-4217 code");
        }
        return string.IsNullOrEmpty(request.PaymentMethodId)
            ? PeerProblems.Invalid("paymentMethodId", "is required: the saved payment method to pay with")
            : null;
    }

    private static ProblemHttpResult UnsupportedCurrency(string from, string to) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, type: "/errors/unsupported-currency",
            title: $"Payments in {from} are not accepted.", detail: $"Payments here are in the customer's home currency, {to}.");
}
