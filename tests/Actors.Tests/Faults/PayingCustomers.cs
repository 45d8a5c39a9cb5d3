using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Faults;

/// <summary>
/// Customers with a daily cap and a saved card, paying through every API node of a <see cref="ProcessCluster"/> as
/// patient devices do (<see cref="PatientClient"/>), and the checks that must hold once a fault is over: no cap passed,
/// no payment left open, the journal's money equal to the spend the customer's state reports and to what the gateway
/// charged, every acknowledged payment settled in the journal, and every payment that succeeded acknowledged.
/// </summary>
public sealed class PayingCustomers
{
    private readonly ConcurrentDictionary<string, (string CustomerId, string Status)> acknowledged = new(StringComparer.Ordinal);
    private int refused;

    private PayingCustomers(IReadOnlyList<Payer> payers, string checkoutBody, long amount, long cap)
    {
        Payers = payers;
        CheckoutBody = checkoutBody;
        Amount = amount;
        Cap = cap;
    }

    /// <summary>One customer and their clients, one per API node.</summary>
    public sealed record Payer(string Id, string MethodId, IReadOnlyList<HttpClient> Clients)
    {
        public string Base => $"/v1/customers/{Id}";
    }

    public IReadOnlyList<Payer> Payers { get; }
    public string CheckoutBody { get; }
    public long Amount { get; }
    public long Cap { get; }
    public Outcomes Outcomes { get; } = new();

    /// <summary>Payments answered 200 or 202 (the id, with whom and how), which must be in the journal after any fault.</summary>
    public IReadOnlyDictionary<string, (string CustomerId, string Status)> Acknowledged => acknowledged;

    /// <summary>Confirms refused because they would pass the cap.</summary>
    public int Refused => Volatile.Read(ref refused);

    /// <summary>
    /// <paramref name="count"/> customers, each with a daily cap of <paramref name="paymentsUnderCap"/> payments of
    /// <paramref name="amount"/>, a <c>tok_visa</c> card, and a client on every node of <paramref name="cluster"/>.
    /// </summary>
    public static async Task<PayingCustomers> Create(ProcessCluster cluster, int count, long amount, int paymentsUnderCap)
    {
        var cap = amount * paymentsUnderCap;
        var first = await Shopper.Create((role, id) => cluster.ClientAs(0, role, id));
        var body = await first.LinesOf(amount);
        var payers = new ConcurrentBag<Payer>();
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            await gate.WaitAsync();
            try
            {
                var shopper = index == 0 ? first : await Shopper.Create((role, id) => cluster.ClientAs(index % cluster.Nodes.Count, role, id));
                await shopper.SetLimits(cap);
                var method = await shopper.SaveMethod("tok_visa");
                var clients = new List<HttpClient>();
                for (var node = 0; node < cluster.Nodes.Count; node++)
                {
                    clients.Add(await cluster.ClientAs(node, "customer", shopper.Id));
                }
                payers.Add(new Payer(shopper.Id, method, clients));
            }
            finally
            {
                gate.Release();
            }
        }));
        return new PayingCustomers([.. payers], body, amount, cap);
    }

    /// <summary>
    /// One checkout created and confirmed through node <paramref name="node"/>, each step retried as the API asks
    /// until <paramref name="within"/> has passed; the confirm's status, or null when the checkout never opened.
    /// </summary>
    public async Task<HttpStatusCode?> Pay(Payer payer, int node, TimeSpan within)
    {
        var client = payer.Clients[node % payer.Clients.Count];
        var checkoutKey = Shopper.NewKey();
        var (created, checkout) = await PatientClient.Send(client,
            () => Requests.Json(HttpMethod.Post, payer.Base + "/checkouts", CheckoutBody, checkoutKey), Outcomes, within);
        if (created != HttpStatusCode.Created)
        {
            return null;
        }
        var confirmKey = Shopper.NewKey();
        var confirmBody = JsonSerializer.Serialize(new { paymentMethodId = payer.MethodId });
        var path = $"{payer.Base}/checkouts/{checkout.GetProperty("id").GetString()}/confirm";
        var (status, payment) = await PatientClient.Send(client, () => Requests.Json(HttpMethod.Post, path, confirmBody, confirmKey), Outcomes, within);
        if (status is HttpStatusCode.OK or HttpStatusCode.Accepted)
        {
            acknowledged[payment.GetProperty("id").GetString()!] = (payer.Id, payment.GetProperty("status").GetString()!);
        }
        else if (status == HttpStatusCode.Conflict && payment.GetProperty("type").GetString() == "/errors/cap-exceeded")
        {
            Interlocked.Increment(ref refused);
        }
        else if (status == HttpStatusCode.Conflict && payment.GetProperty("type").GetString() == "/errors/checkout-closed")
        {
            // Only this confirm, under this one key, ever touched the checkout: it was closed by an earlier attempt of
            // the same request, whose retry must be answered with that payment.
            Outcomes.Violation($"a retried confirm of {payer.Id} met checkout-closed, not its payment {(payment.TryGetProperty("paymentId", out var closedBy) ? closedBy : default)}");
        }
        return status;
    }

    /// <summary>
    /// Once every open payment is settled or released (reconciliation finishes what a fault left), checks every
    /// customer's money three ways and every acknowledged payment; answers how many payments succeeded.
    /// </summary>
    public async Task<long> Verify(StoredData stored, TimeSpan within)
    {
        long succeeded = 0;
        foreach (var payer in Payers)
        {
            await Eventually.Get(() => stored.OpenPaymentsOf(payer.Id), open => open == 0, within);
            var journal = await stored.SucceededSum(payer.Id);
            var limits = await Eventually.Get(async () => await HttpAssert.Json(await payer.Clients[0].GetAsync(payer.Base + "/limits"), HttpStatusCode.OK),
                _ => true, within);
            var spent = limits.GetProperty("headroom")[0].GetProperty("spent").GetInt64();
            Assert.True(journal <= Cap, $"{payer.Id} spent {journal} over its cap {Cap}");
            Assert.Equal(journal, spent);
            var charges = await stored.ChargesOf(payer.Id);
            Assert.True(journal / Amount == charges, $"{payer.Id}: {journal / Amount} succeeded in the journal, {charges} charged: " + await stored.Query<string>("""
                SELECT string_agg(c.payment_id || ' ' || c.status || ' ' || coalesce((SELECT string_agg(e.ledger_kind, '>' ORDER BY e.sequence)
                    FROM customer_events e WHERE e.payment_id = c.payment_id AND e.ledger_kind IS NOT NULL), 'none'), ', ')
                FROM sandbox_charges c WHERE c.customer_id = @id
                """, ("id", payer.Id)));
            succeeded += journal / Amount;
            // Every payment that succeeded was answered to its client, however many attempts that took.
            foreach (var paymentId in await stored.SucceededPaymentsOf(payer.Id))
            {
                Assert.True(acknowledged.ContainsKey(paymentId), $"{payer.Id}'s payment {paymentId} succeeded but its client was never told so");
            }
        }
        foreach (var (paymentId, (customerId, status)) in acknowledged)
        {
            var ledger = await stored.LedgerOf(paymentId);
            Assert.True(ledger.Count > 0, $"{customerId}'s acknowledged payment {paymentId} ({status}) is not in the journal");
            if (status == "succeeded")
            {
                Assert.Equal("succeeded", ledger[^1].Kind);
            }
        }
        return succeeded;
    }
}
