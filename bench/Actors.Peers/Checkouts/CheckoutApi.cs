using System.Security.Cryptography;
using System.Text.Json;
using Actors.Peers.Auth;
using Actors.Peers.Payments;
using Actors.Peers.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Actors.Peers.Checkouts;

/// <summary>
/// Peer F: the platform's two-step checkout in plain SQL. Creating a checkout is one commit (the checkout and its
/// key with the answer). Confirming is four, so that the reservation is durable before the gateway hears of the
/// payment, as the platform keeps it: (1) claim the key, (2) reserve against the cap and record the payment as
/// processing, (3) the gateway's charge row, (4) settle: the payment's outcome, two ledger rows and the stored answer.
/// </summary>
public static class CheckoutApi
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public static RouteGroupBuilder MapCheckoutApi(this IEndpointRouteBuilder app, string prefix)
    {
        var customer = app.MapCustomerGroup(prefix).WithTags("Peer F");
        customer.MapPost("/checkouts", Create).RequireAuthorization(PeerAuth.WriteCustomer);
        customer.MapGet("/checkouts/{checkoutId}", Get).RequireAuthorization(PeerAuth.ReadCustomer);
        customer.MapPost("/checkouts/{checkoutId}/confirm", Confirm).RequireAuthorization(PeerAuth.WriteCustomer);
        return customer;
    }

    private static async Task<IResult> Create(string customerId, HttpContext http, PeerDatabase database, IOptions<JsonOptions> options)
    {
        var json = options.Value.SerializerOptions;
        var (request, problem) = await IdempotencyKeys.Read<CheckoutRequest>(http, json);
        if (problem is not null)
        {
            return problem;
        }
        if (Wanted(request!.Body) is not { } wanted)
        {
            return PeerProblems.Invalid("lines", "1 to 100 lines, each with a sku and quantity 1–999");
        }

        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (await ReadCustomer(connection, transaction, customerId) is not (string homeCurrency, long cap, long spent))
        {
            return PeerProblems.CustomerNotFound();
        }
        var (lines, currency, unknown, mixed) = await Price(connection, transaction, wanted);
        if (unknown is not null)
        {
            return TypedResults.Problem($"The catalog has no active item with SKU '{unknown}'.", statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "No such product.", type: "/errors/unknown-sku", extensions: new Dictionary<string, object?> { ["sku"] = unknown });
        }
        if (mixed)
        {
            return PeerProblems.Invalid("lines", $"all lines must be in {currency}");
        }
        if (currency != homeCurrency)
        {
            return StoredAnswer.Problem(StatusCodes.Status422UnprocessableEntity, "/errors/unsupported-currency",
                $"Payments in {currency} are not accepted.", json).ToResult(http);
        }
        var methods = await ReadMethods(connection, transaction, customerId);

        var now = DateTimeOffset.UtcNow;
        var total = lines.Sum(line => line.Amount);
        var description = string.IsNullOrWhiteSpace(request.Body.Description)
            ? string.Join(", ", lines.Select(line => $"{line.Quantity} × {line.Name}"))
            : request.Body.Description.Trim();
        var checkout = new CheckoutView(PeerIds.New(PeerIds.Checkout), "requires_confirmation", currency, total, homeCurrency, total,
            description, FromCart: false, lines, methods, [Headroom(cap, spent, homeCurrency)], PaymentId: null, now, now + Lifetime);

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO checkouts (id, customer_id, status, currency, total, cap_currency, converted_total, description, lines, channel, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = checkout.Id });
            insert.Parameters.Add(new() { Value = customerId });
            insert.Parameters.Add(new() { Value = checkout.Status });
            insert.Parameters.Add(new() { Value = currency });
            insert.Parameters.Add(new() { Value = total });
            insert.Parameters.Add(new() { Value = homeCurrency });
            insert.Parameters.Add(new() { Value = total });
            insert.Parameters.Add(new() { Value = description });
            insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(lines, json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new() { Value = http.Channel() });
            insert.Parameters.Add(new() { Value = now });
            insert.Parameters.Add(new() { Value = checkout.ExpiresAt });
            await insert.ExecuteNonQueryAsync();
        }

        var answer = new StoredAnswer(StatusCodes.Status201Created, JsonSerializer.Serialize(checkout, json),
            $"/v1/customers/{customerId}/checkouts/{checkout.Id}");
        if (!await IdempotencyKeys.ClaimAnswered(connection, transaction, customerId, request.Key, request.Fingerprint, answer))
        {
            // Another request with this key committed first: this one's checkout goes, and its answer is the other's.
            await transaction.RollbackAsync();
            return (await IdempotencyKeys.Replay(connection, customerId, request.Key, request.Fingerprint, json)).ToResult(http);
        }
        await transaction.CommitAsync();
        return answer.ToResult(http);
    }

    /// <summary>The checkout as created, with the customer's cards and headroom as they are now.</summary>
    private static async Task<IResult> Get(string customerId, string checkoutId, PeerDatabase database, IOptions<JsonOptions> options)
    {
        var json = options.Value.SerializerOptions;
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var read = new NpgsqlCommand("""
            SELECT c.status, c.currency, c.total, c.cap_currency, c.converted_total, c.description, c.lines, c.payment_id,
                   c.created_at, c.expires_at, u.cap, u.spent
            FROM checkouts c JOIN customers u ON u.id = c.customer_id
            WHERE c.id = $1 AND c.customer_id = $2
            """, connection);
        read.Parameters.Add(new() { Value = checkoutId });
        read.Parameters.Add(new() { Value = customerId });
        CheckoutView checkout;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: "/errors/checkout-not-found", title: "No such checkout.");
            }
            var capCurrency = reader.GetString(3);
            checkout = new CheckoutView(checkoutId, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), capCurrency, reader.GetInt64(4),
                reader.GetString(5), FromCart: false, JsonSerializer.Deserialize<CheckoutLineView[]>(reader.GetString(6), json)!, [],
                [Headroom(reader.GetInt64(10), reader.GetInt64(11), capCurrency)], reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9));
        }
        return TypedResults.Ok(checkout with { PaymentMethods = await ReadMethods(connection, null, customerId) });
    }

    private static async Task<IResult> Confirm(string customerId, string checkoutId, HttpContext http, PeerDatabase database, IOptions<JsonOptions> options)
    {
        var json = options.Value.SerializerOptions;
        var (request, problem) = await IdempotencyKeys.Read<ConfirmRequest>(http, json);
        if (problem is not null)
        {
            return problem;
        }
        if (string.IsNullOrEmpty(request!.Body.PaymentMethodId))
        {
            return PeerProblems.Invalid("paymentMethodId", "is required: the saved payment method to pay with");
        }

        // (1) The key, in a commit of its own: from here on a retry finds it.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        if (!await IdempotencyKeys.Claim(connection, customerId, request.Key, request.Fingerprint))
        {
            return (await IdempotencyKeys.Replay(connection, customerId, request.Key, request.Fingerprint, json)).ToResult(http);
        }

        // (2) The reservation: the checkout row is locked so one confirm at a time decides it.
        var reserved = await Reserve(connection, customerId, checkoutId, request.Body.PaymentMethodId, http.Channel(), json);
        if (reserved.Refusal is { } refusal)
        {
            await IdempotencyKeys.Answer(connection, null, customerId, request.Key, refusal);
            return refusal.ToResult(http);
        }
        var payment = reserved.Payment!;

        // (3) The gateway's own books, in its own commit, as the platform's sandbox gateway keeps them.
        var (status, declineReason) = await Charge(connection, customerId, payment, reserved.Token!);

        // (4) Settlement: the outcome, the ledger's two rows and the answer, together.
        var now = DateTimeOffset.UtcNow;
        payment = payment with { Status = status, DeclineReason = declineReason, UpdatedAt = now };
        var answer = new StoredAnswer(StatusCodes.Status200OK, JsonSerializer.Serialize(payment, json));
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Execute(connection, transaction, "UPDATE payments SET status = $2, decline_reason = $3, updated_at = $4 WHERE id = $1",
                payment.Id, status, (object?)declineReason ?? DBNull.Value, now);
            if (status == "succeeded")
            {
                await Execute(connection, transaction, "UPDATE checkouts SET status = 'succeeded' WHERE id = $1", checkoutId);
            }
            else
            {
                // A decline gives the reservation back; the customer may try again with another card.
                await Execute(connection, transaction, "UPDATE checkouts SET status = 'requires_confirmation', payment_id = NULL WHERE id = $1", checkoutId);
                await Execute(connection, transaction, "UPDATE customers SET spent = spent - $2 WHERE id = $1", customerId, payment.Amount);
            }
            var method = payment.PaymentMethod;
            await Ledger.Append(connection, transaction,
                new LedgerRow(payment.Id, customerId, "authorized", payment.Amount, payment.Currency, method.Brand, method.Last4,
                    payment.Channel, payment.Description, payment.CreatedAt),
                new LedgerRow(payment.Id, customerId, status, payment.Amount, payment.Currency, method.Brand, method.Last4,
                    payment.Channel, payment.Description, now));
            await IdempotencyKeys.Answer(connection, transaction, customerId, request.Key, answer);
            await transaction.CommitAsync();
        }
        return answer.ToResult(http);
    }

    private sealed record Reservation(PaymentView? Payment, string? Token, StoredAnswer? Refusal);

    private static async Task<Reservation> Reserve(
        NpgsqlConnection connection, string customerId, string checkoutId, string methodId, string channel, JsonSerializerOptions json)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var lockCheckout = new NpgsqlCommand("""
            SELECT status, total, currency, converted_total, cap_currency, description, expires_at
            FROM checkouts WHERE id = $1 AND customer_id = $2 FOR UPDATE
            """, connection, transaction);
        lockCheckout.Parameters.Add(new() { Value = checkoutId });
        lockCheckout.Parameters.Add(new() { Value = customerId });
        long total, convertedTotal;
        string currency, capCurrency, description;
        await using (var reader = await lockCheckout.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return Refused(StatusCodes.Status404NotFound, "/errors/checkout-not-found", "No such checkout.");
            }
            if (reader.GetString(0) != "requires_confirmation")
            {
                return Refused(StatusCodes.Status409Conflict, "/errors/checkout-closed", "The checkout has already been paid, or its payment is being decided.");
            }
            if (reader.GetFieldValue<DateTimeOffset>(6) <= DateTimeOffset.UtcNow)
            {
                return Refused(StatusCodes.Status409Conflict, "/errors/checkout-expired", "The checkout has expired.");
            }
            (total, currency, convertedTotal, capCurrency, description) =
                (reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5));
        }

        await using var readMethod = new NpgsqlCommand(
            "SELECT token, brand, last4, expiry_month, expiry_year FROM payment_methods WHERE id = $1 AND customer_id = $2", connection, transaction);
        readMethod.Parameters.Add(new() { Value = methodId });
        readMethod.Parameters.Add(new() { Value = customerId });
        string token, brand, last4;
        await using (var reader = await readMethod.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return Refused(StatusCodes.Status422UnprocessableEntity, "/errors/payment-method-not-found", "No such saved payment method.");
            }
            var today = DateTime.UtcNow;
            if ((reader.GetInt32(4), reader.GetInt32(3)).CompareTo((today.Year, today.Month)) < 0)
            {
                return Refused(StatusCodes.Status400BadRequest, "/errors/validation", "The card has expired.");
            }
            (token, brand, last4) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        await using var spend = new NpgsqlCommand(
            "UPDATE customers SET spent = spent + $2 WHERE id = $1 AND spent + $2 <= cap", connection, transaction);
        spend.Parameters.Add(new() { Value = customerId });
        spend.Parameters.Add(new() { Value = convertedTotal });
        if (await spend.ExecuteNonQueryAsync() == 0)
        {
            return Refused(StatusCodes.Status409Conflict, "/errors/cap-exceeded", "This payment would exceed the spending cap.");
        }

        var now = DateTimeOffset.UtcNow;
        var payment = new PaymentView(PeerIds.New(PeerIds.Payment), checkoutId, "processing", total, currency, convertedTotal, capCurrency, 0,
            new PaymentMethodSummary(methodId, brand, last4), null, null, channel, description, now, now);
        await Execute(connection, transaction, """
            INSERT INTO payments (id, checkout_id, customer_id, status, amount, currency, method_id, brand, last4, channel, description, created_at, updated_at)
            VALUES ($1, $2, $3, 'processing', $4, $5, $6, $7, $8, $9, $10, $11, $11)
            """, payment.Id, checkoutId, customerId, total, currency, methodId, brand, last4, channel, description, now);
        await Execute(connection, transaction, "UPDATE checkouts SET status = 'processing', payment_id = $2 WHERE id = $1", checkoutId, payment.Id);
        await transaction.CommitAsync();
        return new Reservation(payment, token, null);

        Reservation Refused(int status, string type, string title) => new(null, null, StoredAnswer.Problem(status, type, title, json));
    }

    /// <summary>The stand-in for the card processor: one row per payment id, decided by the sandbox's test tokens.</summary>
    private static async Task<(string Status, string? DeclineReason)> Charge(NpgsqlConnection connection, string customerId, PaymentView payment, string token)
    {
        var (status, declineReason) = token is "tok_visa" or "tok_mastercard" ? ("succeeded", (string?)null) : ("declined", "card_declined");
        await using var insert = new NpgsqlCommand("""
            INSERT INTO gateway_charges (payment_id, customer_id, token, amount, currency, status, decline_reason, charge_id, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
            ON CONFLICT (payment_id) DO NOTHING
            """, connection);
        insert.Parameters.Add(new() { Value = payment.Id });
        insert.Parameters.Add(new() { Value = customerId });
        insert.Parameters.Add(new() { Value = token });
        insert.Parameters.Add(new() { Value = payment.Amount });
        insert.Parameters.Add(new() { Value = payment.Currency });
        insert.Parameters.Add(new() { Value = status });
        insert.Parameters.Add(new() { Value = (object?)declineReason ?? DBNull.Value });
        insert.Parameters.Add(new() { Value = "ch_" + RandomNumberGenerator.GetHexString(24, lowercase: true) });
        insert.Parameters.Add(new() { Value = DateTimeOffset.UtcNow });
        await insert.ExecuteNonQueryAsync();
        return (status, declineReason);
    }

    private static async Task<(string HomeCurrency, long Cap, long Spent)?> ReadCustomer(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string customerId)
    {
        await using var read = new NpgsqlCommand("SELECT home_currency, cap, spent FROM customers WHERE id = $1", connection, transaction);
        read.Parameters.Add(new() { Value = customerId });
        await using var reader = await read.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    private static async Task<PaymentMethodView[]> ReadMethods(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId)
    {
        await using var read = new NpgsqlCommand("""
            SELECT id, brand, last4, expiry_month, expiry_year, billing_country, preferred
            FROM payment_methods WHERE customer_id = $1 ORDER BY preferred DESC, created_at
            """, connection, transaction);
        read.Parameters.Add(new() { Value = customerId });
        var methods = new List<PaymentMethodView>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            methods.Add(new PaymentMethodView(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5), reader.GetBoolean(6)));
        }
        return [.. methods];
    }

    private static HeadroomView Headroom(long cap, long spent, string currency) => new("all_time", cap, spent, Math.Max(0, cap - spent), currency);

    /// <summary>The lines as the platform checks them before pricing: 1–100, each a SKU and a quantity 1–999.</summary>
    private static CheckoutLineRequest[]? Wanted(CheckoutRequest request) =>
        request.Lines is { Length: >= 1 and <= 100 } lines
        && lines.All(line => !string.IsNullOrWhiteSpace(line.Sku) && line.Sku.Length <= 64 && line.Quantity is >= 1 and <= 999)
            ? lines
            : null;

    /// <summary>
    /// Prices the lines from the newest version of each SKU in the catalog, inside the create transaction, as the
    /// platform prices them from its catalog; the first SKU without an active item is returned as unknown.
    /// </summary>
    private static async Task<(CheckoutLineView[] Lines, string Currency, string? Unknown, bool Mixed)> Price(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CheckoutLineRequest[] wanted)
    {
        var items = new Dictionary<string, (string Name, long UnitPrice, string Currency, bool Active)>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("""
            SELECT DISTINCT ON (sku) sku, name, unit_price, currency, active FROM catalog_items
            WHERE sku = ANY($1) ORDER BY sku, version DESC
            """, connection, transaction))
        {
            read.Parameters.Add(new() { Value = wanted.Select(line => line.Sku!).Distinct().ToArray() });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                items[reader.GetString(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetBoolean(4));
            }
        }
        var lines = new List<CheckoutLineView>(wanted.Length);
        var currencies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in wanted)
        {
            if (!items.TryGetValue(line.Sku!, out var item) || !item.Active)
            {
                return ([], "", line.Sku, false);
            }
            lines.Add(new CheckoutLineView(line.Sku!, item.Name, item.UnitPrice, line.Quantity, item.UnitPrice * line.Quantity));
            currencies.Add(item.Currency);
        }
        return ([.. lines], items[wanted[0].Sku!].Currency, null, currencies.Count > 1);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}
