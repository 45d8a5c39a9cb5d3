using System.Globalization;
using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Problems;
using Actors.Grains.Money;
using Actors.Grains.Sessions;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.Configuration.Attributes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Api.Payments;

/// <summary>Payment history, straight from the journal's ledger rows: search with filters and cursor pages, a CSV export, and receipts.</summary>
public static class PaymentHistoryApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapPaymentHistoryApi(this IEndpointRouteBuilder app)
    {
        var customer = app.MapCustomerGroup().WithTags("Payments").RequireAuthorization(Policies.ReadCustomer);
        customer.MapGet("/payments", Search);
        customer.MapGet("/payments.csv", Export).Produces(StatusCodes.Status200OK, contentType: "text/csv");
        customer.MapGet("/payments/{paymentId}/receipt", Receipt);
        return app;
    }

    /// <summary>
    /// The ids whose payments are this customer's history: its own and those of the customers merged into it (the
    /// grain knows them from its journal). A customer merged away answers with its survivor, which the customer
    /// group turns into a redirect.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> HistoryOf(string customerId, IClusterClient cluster, CancellationToken cancellationToken) =>
        [customerId, .. await cluster.GetGrain<Actors.Grains.Customers.ICustomerGrain>(customerId).GetMergedFrom(cancellationToken) ?? []];

    /// <summary>
    /// Newest first. Filters: <c>status</c>, <c>created_from</c> (inclusive), <c>created_to</c> (exclusive),
    /// <c>amount_min</c>, <c>amount_max</c>, <c>channel</c>, <c>q</c> (text in the description); pages with
    /// <c>limit</c> (1–100) and <c>starting_after</c> (the last payment id of the previous page).
    /// </summary>
    private static async Task<Results<Ok<PaymentPage>, ValidationProblem>> Search(
        string customerId, HttpRequest request, PaymentHistory history, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var customers = await HistoryOf(customerId, cluster, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var query = ParseQuery(request.Query, errors);
        var limit = DefaultLimit;
        if (request.Query["limit"] is { Count: > 0 } rawLimit && (!int.TryParse(rawLimit, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }
        (DateTimeOffset, string)? after = null;
        if (errors.Count == 0 && request.Query["starting_after"] is { Count: > 0 } cursor)
        {
            after = await history.Position(customers, cursor.ToString(), cancellationToken);
            if (after is null)
            {
                errors["starting_after"] = ["is not a payment of this customer"];
            }
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var (page, hasMore) = await history.Search(customers, query!, limit, after, cancellationToken);
        return TypedResults.Ok(new PaymentPage([.. page.Select(PaymentSummary.From)], hasMore));
    }

    /// <summary>The same filters as the search, every matching payment, streamed as CSV.</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem>> Export(
        string customerId, HttpContext http, PaymentHistory history, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var customers = await HistoryOf(customerId, cluster, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var query = ParseQuery(http.Request.Query, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=payments.csv";
        // A cell that starts like a formula is neutralised, so opening the file in a spreadsheet runs nothing.
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };
        await using var writer = new StreamWriter(http.Response.Body, leaveOpen: true);
        await using var csv = new CsvWriter(writer, configuration);
        csv.WriteHeader<PaymentCsvRow>();
        await csv.NextRecordAsync();
        await foreach (var payment in history.All(customers, query!, cancellationToken))
        {
            csv.WriteRecord(PaymentCsvRow.From(payment));
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<ReceiptView>, ProblemHttpResult>> Receipt(
        string customerId, string paymentId, PaymentHistory history, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var customers = await HistoryOf(customerId, cluster, cancellationToken);
        if (await history.Receipt(customers, paymentId, cancellationToken) is not { } found)
        {
            return ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.PaymentNotFound, "No such payment.");
        }
        return TypedResults.Ok(Privacy.CustomerParts.Payment(found.Payment, found.Events, Privacy.Masking.None));
    }

    private static PaymentQuery? ParseQuery(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var status = query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !PaymentHistory.Statuses.Contains(status))
        {
            errors["status"] = [$"must be one of {string.Join(", ", PaymentHistory.Statuses)}"];
        }
        var from = Instant(query, "created_from", errors);
        var to = Instant(query, "created_to", errors);
        var min = Amount(query, "amount_min", errors);
        var max = Amount(query, "amount_max", errors);
        if (min > max)
        {
            errors["amount_min"] = ["must not be greater than amount_max"];
        }
        if (from >= to)
        {
            errors["created_from"] = ["must be before created_to"];
        }
        var channel = query["channel"].ToString() is { Length: > 0 } c ? c : null;
        if (channel is not null && !Channels.IsKnown(channel))
        {
            errors["channel"] = [$"must be one of {string.Join(", ", Channels.All)}"];
        }
        var text = query["q"].ToString();
        if (text.Length > 200)
        {
            errors["q"] = ["must be at most 200 characters"];
        }
        return errors.Count > 0 ? null : new PaymentQuery(status, from, to, min, max, channel, text.Length > 0 ? text : null);
    }

    private static DateTimeOffset? Instant(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (query[name] is not { Count: > 0 } raw)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }
        errors[name] = ["must be an ISO-8601 instant, e.g. 2026-05-04T00:00:00Z"];
        return null;
    }

    private static long? Amount(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (query[name] is not { Count: > 0 } raw)
        {
            return null;
        }
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= Amounts.Max)
        {
            return amount;
        }
        errors[name] = [$"must be a whole number of minor units from 0 to {Amounts.Max}"];
        return null;
    }
}

public sealed record PaymentMethodLabel(string? Brand, string? Last4);

public sealed record PaymentSummary(
    string Id,
    string Status,
    long Amount,
    string Currency,
    long ConvertedAmount,
    string ConvertedCurrency,
    long RefundedAmount,
    PaymentMethodLabel? Method,
    string Channel,
    string Description,
    DateTimeOffset CreatedAt)
{
    public static PaymentSummary From(PaymentRecord payment) => new(
        payment.Id, payment.Status, payment.Amount, payment.Currency, payment.ConvertedAmount, payment.ConvertedCurrency,
        payment.RefundedAmount, payment.MethodBrand is null && payment.MethodLast4 is null ? null : new(payment.MethodBrand, payment.MethodLast4),
        payment.Channel, payment.Description, payment.CreatedAt);
}

public sealed record PaymentPage(PaymentSummary[] Data, bool HasMore);

public sealed record ReceiptEvent(string Kind, long Amount, string Currency, DateTimeOffset At);

public sealed record RefundLine(string RefundId, long Amount, DateTimeOffset At);

public sealed record ReceiptView(PaymentSummary Payment, ReceiptEvent[] Events, RefundLine[] Refunds);

/// <summary>
/// One CSV line per payment, written for a person opening it in a spreadsheet: statuses in the words the web app
/// shows, amounts in major units as the currency writes them (<c>12.34</c>, JPY <c>1234</c>), and the card as brand
/// and last 4. The header is the <see cref="NameAttribute"/> of each member.
/// </summary>
public sealed record PaymentCsvRow(
    [property: Name("Id")] string Id,
    [property: Name("Status")] string Status,
    [property: Name("Created at")] string CreatedAt,
    [property: Name("Amount")] string Amount,
    [property: Name("Currency")] string Currency,
    [property: Name("Amount in minor units")] long AmountMinor,
    [property: Name("Counted against caps")] string ConvertedAmount,
    [property: Name("Caps currency")] string ConvertedCurrency,
    [property: Name("Refunded")] string RefundedAmount,
    [property: Name("Card")] string? Card,
    [property: Name("Channel")] string Channel,
    [property: Name("Description")] string Description)
{
    public static PaymentCsvRow From(PaymentRecord payment) => new(
        payment.Id,
        PaymentStatusText.Of(payment.Status),
        payment.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        Major(payment.Amount, payment.Currency),
        payment.Currency,
        payment.Amount,
        Major(payment.ConvertedAmount, payment.ConvertedCurrency),
        payment.ConvertedCurrency,
        Major(payment.RefundedAmount, payment.Currency),
        CardText(payment.MethodBrand, payment.MethodLast4),
        ChannelText(payment.Channel),
        payment.Description);

    /// <summary>Minor units as a plain decimal in major units, with exactly the currency's digits: 1234 EUR → 12.34, 1234 JPY → 1234.</summary>
    public static string Major(long minor, string currency)
    {
        var digits = Currencies.TryNormalize(currency, out var code) ? Currencies.MinorUnits(code) : 2;
        if (digits == 0)
        {
            return minor.ToString(CultureInfo.InvariantCulture);
        }
        var unit = 1L;
        for (var i = 0; i < digits; i++)
        {
            unit *= 10;
        }
        var sign = minor < 0 ? "-" : "";
        var magnitude = Math.Abs(minor);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{magnitude / unit}.{(magnitude % unit).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}");
    }

    private static string? CardText(string? brand, string? last4) => (brand, last4) switch
    {
        (null, null) => null,
        (_, null) => Capitalised(brand!),
        _ => $"{Capitalised(brand ?? "card")} ending {last4}",
    };

    private static string ChannelText(string channel) => channel switch
    {
        "web" => "Web",
        "mobile" => "Mobile app",
        "pos" => "In store",
        _ => channel,
    };

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>The words a shopper reads for each payment status of the history; the web app uses the same ones.</summary>
public static class PaymentStatusText
{
    public static string Of(string status) => status switch
    {
        "pending" => "Pending",
        "succeeded" => "Paid",
        "declined" => "Declined",
        "released" => "Not charged",
        "refunded" => "Refunded",
        "partially_refunded" => "Partly refunded",
        _ => status,
    };
}
