using System.Globalization;
using System.Net;
using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.Payments;
using Actors.Tests.Infrastructure;
using CsvHelper;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class PaymentHistoryApiTests(ApiFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);

    // Payment ids are unique across the whole ledger, so each test's customer gets its own.
    private readonly string customerId = CustomerId.New();

    private long head;

    /// <summary>Appends a payment's events to the customer's journal the way the customer grain does, through the silo's journal.</summary>
    private async Task Seed(string customerId, int index, long amount, string channel, string description, params LedgerKind[] after)
    {
        await using var journal = StandaloneJournal.Open(fixture.ConnectionString);
        var at = Start.AddHours(index);
        var payment = new Payment(Pay(index), "chk_x", amount, "EUR", amount, "EUR", "pm_x", "tok_visa", "visa", "4242",
            channel, description, PaymentStatus.Processing, null, 0, at, at);
        var events = new List<JournalEvent> { new PaymentReserved(payment, DateOnly.FromDateTime(at.UtcDateTime)) { At = at } };
        foreach (var kind in after)
        {
            events.Add(kind switch
            {
                LedgerKind.Succeeded => new PaymentSucceeded(payment.Id) { At = at.AddMinutes(1) },
                LedgerKind.Declined => new PaymentDeclined(payment.Id, "card_declined") { At = at.AddMinutes(1) },
                LedgerKind.Released => new PaymentReleased(payment.Id) { At = at.AddMinutes(1) },
                LedgerKind.Refunded => new RefundSucceeded(new Refund($"re_{events.Count}", payment.Id, amount / 2, "EUR", null, at.AddMinutes(5 + events.Count)))
                {
                    At = at.AddMinutes(5 + events.Count),
                },
                _ => throw new ArgumentOutOfRangeException(nameof(after), kind, null),
            });
        }
        await journal.Journal.Append(customerId, head, events, snapshot: null, CancellationToken.None);
        head += events.Count;
    }

    private async Task<(HttpClient Client, string Id)> SeededCustomer()
    {
        var id = customerId;
        await Seed(id, 0, 1_000, "web", "Coffee beans", LedgerKind.Succeeded);
        await Seed(id, 1, 2_500, "mobile", "Tea set", LedgerKind.Declined);
        await Seed(id, 2, 4_000, "pos", "Grinder 50% off", LedgerKind.Succeeded, LedgerKind.Refunded);
        await Seed(id, 3, 6_000, "web", "=HYPERLINK(\"http://evil\")", LedgerKind.Succeeded, LedgerKind.Refunded, LedgerKind.Refunded);
        await Seed(id, 4, 800, "mobile", "Mug, \"large\"\nwith lid");
        await Seed(id, 5, 300, "web", "Sample", LedgerKind.Released);
        return (await fixture.ClientAs("operator"), id);
    }

    private static async Task<string[]> Ids(HttpClient client, string url)
    {
        var page = await Json(await client.GetAsync(url), HttpStatusCode.OK);
        return [.. page.GetProperty("data").EnumerateArray().Select(payment => payment.GetProperty("id").GetString()!)];
    }

    private string Pay(int index) => $"pay_{customerId[4..^2]}{index:D2}";

    [Fact]
    public async Task Payments_are_listed_newest_first_with_their_status_from_the_ledger()
    {
        var (client, id) = await SeededCustomer();

        var page = await Json(await client.GetAsync($"/v1/customers/{id}/payments"), HttpStatusCode.OK);

        var statuses = page.GetProperty("data").EnumerateArray().Select(payment => payment.GetProperty("status").GetString());
        Assert.Equal(["released", "pending", "refunded", "partially_refunded", "declined", "succeeded"], statuses);
        Assert.False(page.GetProperty("hasMore").GetBoolean());
        var refunded = page.GetProperty("data")[2];
        Assert.Equal(6_000, refunded.GetProperty("refundedAmount").GetInt64());
        Assert.Equal("4242", refunded.GetProperty("method").GetProperty("last4").GetString());
    }

    [Theory]
    [InlineData("status=succeeded", new[] { 0 })]
    [InlineData("status=partially_refunded", new[] { 2 })]
    [InlineData("channel=mobile", new[] { 4, 1 })]
    [InlineData("amount_min=1000&amount_max=4000", new[] { 2, 1, 0 })]
    [InlineData("created_from=2026-04-01T12:00:00Z&created_to=2026-04-01T14:00:00Z", new[] { 3, 2 })]
    [InlineData("q=tea", new[] { 1 })]
    [InlineData("q=50%25", new[] { 2 })]
    [InlineData("q=_", new int[0])]
    public async Task Filters_narrow_the_list(string filter, int[] expected)
    {
        var (client, id) = await SeededCustomer();

        Assert.Equal(expected.Select(Pay), await Ids(client, $"/v1/customers/{id}/payments?{filter}"));
    }

    [Fact]
    public async Task Cursor_pages_cover_every_payment_once_newest_first()
    {
        var (client, id) = await SeededCustomer();
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await Json(await client.GetAsync($"/v1/customers/{id}/payments?limit=4{(after is null ? "" : "&starting_after=" + after)}"), HttpStatusCode.OK);
            var ids = page.GetProperty("data").EnumerateArray().Select(payment => payment.GetProperty("id").GetString()!).ToList();
            seen.AddRange(ids);
            after = page.GetProperty("hasMore").GetBoolean() ? ids[^1] : null;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Range(0, 6).Reverse().Select(Pay), seen);
    }

    [Theory]
    [InlineData("status=lost")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("amount_min=-1")]
    [InlineData("amount_min=10&amount_max=5")]
    [InlineData("created_from=yesterday")]
    [InlineData("channel=fax")]
    [InlineData("starting_after=pay_someone_elses")]
    public async Task Bad_parameters_get_a_validation_problem(string query)
    {
        var (client, id) = await SeededCustomer();

        await Problem(await client.GetAsync($"/v1/customers/{id}/payments?{query}"), HttpStatusCode.BadRequest, "/errors/validation");
    }

    [Fact]
    public async Task The_csv_export_quotes_properly_and_neutralises_formulas()
    {
        var (client, id) = await SeededCustomer();

        var response = await client.GetAsync($"/v1/customers/{id}/payments.csv?channel=web");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        using var csv = new CsvReader(new StringReader(await response.Content.ReadAsStringAsync()), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal([Pay(5), Pay(3), Pay(0)], rows.Select(row => (string)row["Id"]));
        Assert.StartsWith("'=HYPERLINK", (string)rows[1]["Description"]);

        var all = await client.GetStringAsync($"/v1/customers/{id}/payments.csv");
        using var allCsv = new CsvReader(new StringReader(all), CultureInfo.InvariantCulture);
        var mug = allCsv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().Single(row => (string)row["Id"] == Pay(4));
        Assert.Equal("Mug, \"large\"\nwith lid", mug["Description"]);
    }

    [Fact]
    public async Task The_csv_export_speaks_plain_words_and_writes_amounts_in_major_units()
    {
        var (client, id) = await SeededCustomer();

        var text = await client.GetStringAsync($"/v1/customers/{id}/payments.csv");

        Assert.StartsWith("Id,Status,Created at,Amount,Currency,Amount in minor units,Counted against caps,Caps currency,Refunded,Card,Channel,Description\n", text.ReplaceLineEndings("\n"));
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToDictionary(row => (string)row["Id"]);
        Assert.Equal(("Paid", "10.00", "EUR", "1000", "Visa ending 4242", "Web"),
            ((string)rows[Pay(0)]["Status"], (string)rows[Pay(0)]["Amount"], (string)rows[Pay(0)]["Currency"], (string)rows[Pay(0)]["Amount in minor units"],
                (string)rows[Pay(0)]["Card"], (string)rows[Pay(0)]["Channel"]));
        Assert.Equal(("Partly refunded", "40.00", "20.00", "In store"),
            ((string)rows[Pay(2)]["Status"], (string)rows[Pay(2)]["Amount"], (string)rows[Pay(2)]["Refunded"], (string)rows[Pay(2)]["Channel"]));
        Assert.Equal(["Not charged", "Pending", "Refunded", "Partly refunded", "Declined", "Paid"],
            Enumerable.Range(0, 6).Reverse().Select(index => (string)rows[Pay(index)]["Status"]));
        Assert.Equal("8.00", (string)rows[Pay(4)]["Amount"]);
    }

    [Fact]
    public async Task The_csv_export_writes_yen_without_decimals()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, "JPY");
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        await shopper.Pay(visa, await shopper.CheckoutBody("JPY", "Matcha", ("matcha", "Matcha", 1_234, 1)));

        var text = await shopper.Client.GetStringAsync($"{shopper.Base}/payments.csv");

        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var row = Assert.Single(csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>());
        Assert.Equal(("Paid", "1234", "JPY", "1234"), ((string)row["Status"], (string)row["Amount"], (string)row["Currency"], (string)row["Amount in minor units"]));
    }

    [Fact]
    public async Task A_receipt_shows_the_payment_its_events_and_refunds()
    {
        var (client, id) = await SeededCustomer();

        var receipt = await Json(await client.GetAsync($"/v1/customers/{id}/payments/{Pay(3)}/receipt"), HttpStatusCode.OK);
        var unknown = await client.GetAsync($"/v1/customers/{id}/payments/pay_unknown/receipt");

        Assert.Equal("refunded", receipt.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(["authorized", "succeeded", "refunded", "refunded"], receipt.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(2, receipt.GetProperty("refunds").GetArrayLength());
        await Problem(unknown, HttpStatusCode.NotFound, "/errors/payment-not-found");
    }

    [Fact]
    public async Task Another_customer_sees_no_history_at_all()
    {
        var (_, id) = await SeededCustomer();
        var stranger = await fixture.ClientAs("customer", CustomerId.New());

        await Problem(await stranger.GetAsync($"/v1/customers/{id}/payments"), HttpStatusCode.NotFound, "/errors/customer-not-found");
    }

    [Fact]
    public async Task A_payment_made_through_the_api_appears_in_history_with_its_refund()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        var paymentId = await shopper.Pay(visa, 1_999);
        var refunds = shopper.As(await fixture.ClientAs("operator"));
        await Json(await refunds.Refund(paymentId, """{"amount":999}"""), HttpStatusCode.Created);

        var history = await shopper.Read("/payments");

        var listed = Assert.Single(history.GetProperty("data").EnumerateArray());
        Assert.Equal(paymentId, listed.GetProperty("id").GetString());
        Assert.Equal("partially_refunded", listed.GetProperty("status").GetString());
        Assert.Equal(999, listed.GetProperty("refundedAmount").GetInt64());
        Assert.Equal("web", listed.GetProperty("channel").GetString());
    }
}
