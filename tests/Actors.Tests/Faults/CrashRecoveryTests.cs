using System.Collections.Concurrent;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Idempotency;
using Actors.Grains.Limits;
using Actors.Grains.Payments;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Faults;

/// <summary>
/// Two silo processes; the one holding the customer is killed with SIGKILL in the middle of money moving. The other
/// silo's reconciliation must then leave exactly what the gateway did: one charge or none, one refund or none, and
/// the spend and the journal agreeing with it. Nothing acknowledged is lost.
/// </summary>
public sealed class CrashRecoveryTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    // A gateway call waits long enough here that the test, not the timeout, decides when the silo dies.
    private static readonly Dictionary<string, string?> SlowToGiveUp = new() { ["Payments:GatewayTimeout"] = "00:00:20" };

    private readonly List<SiloProcess> silos = [];
    private readonly string clusterId = "crash-" + Guid.NewGuid().ToString("N")[..8];
    private string connectionString = null!;
    private IHost clientHost = null!;

    private IClusterClient Client => clientHost.Services.GetRequiredService<IClusterClient>();

    private StoredData Stored => new(connectionString);

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.Instance.CreateDatabase();
        silos.AddRange(await Task.WhenAll(SiloProcess.Start(connectionString, clusterId, SlowToGiveUp), SiloProcess.Start(connectionString, clusterId, SlowToGiveUp)));
        clientHost = await Hosts.StartClient(connectionString, clusterId);
    }

    public async Task DisposeAsync()
    {
        await clientHost.StopAsync();
        clientHost.Dispose();
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }

    private static IdempotentRequest Key() => new(Guid.NewGuid().ToString(), "body");

    private async Task<(ICustomerGrain Customer, string Id, string MethodId)> NewCustomer(string token, long dailyCap)
    {
        var id = CustomerId.New();
        var customer = Client.GetGrain<ICustomerGrain>(id);
        SampleProfiles.Created(await customer.Create(SampleProfiles.Ada() with { HomeCurrency = "EUR" }));
        await customer.SetLimits(new CapRequest(dailyCap, null, null));
        var method = Assert.IsType<WalletResult.Saved>(await customer.AddPaymentMethod(new PaymentMethodDraft(token, "visa", "4242", 12, 2030, "GB", false))).Method;
        return (customer, id, method.Id);
    }

    private async Task<string> CheckoutOf(ICustomerGrain customer, long amount) =>
        Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(Key(),
            await TestCatalog.OneLine(Client, amount))).Summary.Checkout.Id;

    /// <summary>Kills the silo process that holds <paramref name="customer"/> now.</summary>
    private async Task KillHostOf(ICustomerGrain customer)
    {
        var hosting = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(customer);
        var dying = silos.Single(silo => silo.SiloPort == hosting!.Endpoint.Port);
        dying.Kill();
        silos.Remove(dying);
    }

    private static async Task<long> Daily(ICustomerGrain customer) =>
        Assert.IsType<LimitsResult.Current>(await customer.GetLimits()).Limits.Headroom.Single().Remaining;

    [Fact(Timeout = 180_000)]
    public async Task Every_open_payment_of_many_customers_on_a_killed_silo_is_settled_or_released_by_the_survivor()
    {
        // Half the customers pay with tok_slow (reserved, charged two seconds later), half with tok_timeout (charged at
        // once, the answer never comes): the silo dies with all of them reserved and some of them charged.
        const long cap = 10_000;
        const long amount = 3_000;
        var customers = await Task.WhenAll(Enumerable.Range(0, 24).Select(index => NewCustomer(index % 2 == 0 ? "tok_slow" : "tok_timeout", cap)));
        var checkouts = await Task.WhenAll(customers.Select(customer => CheckoutOf(customer.Customer, amount)));
        var hosts = await Task.WhenAll(customers.Select(customer => Client.GetGrain<IManagementGrain>(0).GetActivationAddress(customer.Customer).AsTask()));
        var dyingPort = hosts.GroupBy(host => host!.Endpoint.Port).MaxBy(group => group.Count())!.Key;
        var onDying = customers.Zip(checkouts).Where((_, index) => hosts[index]!.Endpoint.Port == dyingPort).ToList();

        foreach (var ((customer, _, method), checkout) in onDying)
        {
            _ = customer.ConfirmCheckout(Key(), checkout, new ConfirmDraft(method, null));
        }
        var open = await Task.WhenAll(onDying.Select(pair =>
            Eventually.Get(() => Stored.PaymentReservedOf(pair.First.Id), reserved => reserved is not null, TimeSpan.FromSeconds(30))));
        var dying = silos.Single(silo => silo.SiloPort == dyingPort);
        dying.Kill();
        silos.Remove(dying);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcomes = await Task.WhenAll(onDying.Select((pair, index) => Eventually.Get(() => pair.First.Customer.GetPayment(open[index]!),
            payment => payment?.Status is PaymentStatus.Succeeded or PaymentStatus.Released, TimeSpan.FromSeconds(90))));
        var closedAfter = clock.Elapsed;
        for (var index = 0; index < onDying.Count; index++)
        {
            var ((customer, id, _), _) = onDying[index];
            var settled = outcomes[index]!.Status == PaymentStatus.Succeeded;
            // Settled exactly when the gateway charged, once; released exactly when it did not.
            Assert.Equal(settled ? 1 : 0, await Stored.ChargesOf(id));
            Assert.Equal(0, await Stored.OpenPaymentsOf(id));
            Assert.Equal(settled ? new[] { "authorized", "succeeded" } : new[] { "authorized", "released" }, (await Stored.LedgerOf(open[index]!)).Select(row => row.Kind));
            Assert.Equal(settled ? cap - amount : cap, await Daily(customer));
        }
        var settledCount = outcomes.Count(payment => payment!.Status == PaymentStatus.Succeeded);
        output.WriteLine($"SIGKILL with {onDying.Count} payments open on the silo ({customers.Length} customers on two silos): all closed by the " +
            $"survivor's reconciliation {closedAfter.TotalSeconds:0.0} s after the kill, {settledCount} settled (charged), " +
            $"{onDying.Count - settledCount} released (never charged); none charged twice.");
        Assert.True(onDying.Count >= 12, $"only {onDying.Count} customers were on the silo that died");
    }

    [Fact]
    public async Task A_silo_killed_after_the_reservation_but_before_the_charge_leaves_the_money_released()
    {
        // tok_slow waits two seconds at the gateway before it charges: the reservation is durable by then.
        var (customer, id, slow) = await NewCustomer("tok_slow", 10_000);
        var checkout = await CheckoutOf(customer, 3_000);

        _ = customer.ConfirmCheckout(Key(), checkout, new ConfirmDraft(slow, null));
        var paymentId = await Eventually.Get(() => Stored.PaymentReservedOf(id), reserved => reserved is not null, TimeSpan.FromSeconds(30));
        await KillHostOf(customer);

        await Eventually.Get(() => customer.GetPayment(paymentId!), payment => payment?.Status == PaymentStatus.Released, TimeSpan.FromSeconds(90));
        Assert.Equal(0, await Stored.ChargesOf(id));
        Assert.Equal(["authorized", "released"], (await Stored.LedgerOf(paymentId!)).Select(row => row.Kind));
        Assert.Equal(10_000, await Daily(customer));
    }

    [Fact]
    public async Task A_silo_killed_after_the_gateway_charged_but_before_it_heard_so_leaves_the_payment_settled()
    {
        // tok_timeout is charged at once, but the answer never comes: the silo dies waiting for it.
        var (customer, id, card) = await NewCustomer("tok_timeout", 10_000);
        var checkout = await CheckoutOf(customer, 3_000);

        _ = customer.ConfirmCheckout(Key(), checkout, new ConfirmDraft(card, null));
        await Eventually.Get(() => Stored.ChargesOf(id), charges => charges == 1, TimeSpan.FromSeconds(30));
        var paymentId = (await Stored.PaymentReservedOf(id))!;
        await KillHostOf(customer);

        await Eventually.Get(() => customer.GetPayment(paymentId), payment => payment?.Status == PaymentStatus.Succeeded, TimeSpan.FromSeconds(90));
        Assert.Equal(1, await Stored.ChargesOf(id));
        Assert.Equal(["authorized", "succeeded"], (await Stored.LedgerOf(paymentId)).Select(row => row.Kind));
        Assert.Equal(7_000, await Daily(customer));
    }

    [Fact]
    public async Task A_confirm_retried_under_its_key_after_its_silo_died_is_answered_with_its_payment_not_checkout_closed()
    {
        // tok_timeout is charged at once and the answer never comes: the caller of the first attempt hears nothing but
        // a failure, though the reservation is durable and the money taken.
        var (customer, id, card) = await NewCustomer("tok_timeout", 10_000);
        var checkout = await CheckoutOf(customer, 3_000);
        var key = Key();
        var draft = new ConfirmDraft(card, null);

        var first = customer.ConfirmCheckout(key, checkout, draft);
        await Eventually.Get(() => Stored.ChargesOf(id), charges => charges == 1, TimeSpan.FromSeconds(30));
        var paymentId = (await Stored.PaymentReservedOf(id))!;
        await KillHostOf(customer);
        await Assert.ThrowsAnyAsync<Exception>(() => first);

        // The retry reaches the survivor, which reloads the journal: the same request gets the payment, open or settled.
        var retried = await Eventually.Get(() => customer.ConfirmCheckout(key, checkout, draft), _ => true, TimeSpan.FromSeconds(60));
        var payment = Assert.IsType<MoneyResult.PaymentResult>(retried).Payment;
        Assert.Equal(paymentId, payment.Id);
        Assert.Contains(payment.Status, new[] { PaymentStatus.Processing, PaymentStatus.Succeeded });

        // Once reconciliation has settled it, a retry says so; another request on the closed checkout still hears it is closed.
        var settled = await Eventually.Get(() => customer.ConfirmCheckout(key, checkout, draft),
            answer => answer is MoneyResult.PaymentResult { Payment.Status: PaymentStatus.Succeeded }, TimeSpan.FromSeconds(90));
        Assert.Equal(paymentId, Assert.IsType<MoneyResult.PaymentResult>(settled).Payment.Id);
        Assert.IsType<MoneyResult.IdempotencyMismatch>(await customer.ConfirmCheckout(key with { Fingerprint = "another body" }, checkout, draft));
        var closed = Assert.IsType<MoneyResult.CheckoutClosed>(await customer.ConfirmCheckout(Key(), checkout, draft));
        Assert.Equal(paymentId, closed.PaymentId);
        Assert.Equal(1, await Stored.ChargesOf(id));
        Assert.Equal(7_000, await Daily(customer));
    }

    [Fact]
    public async Task A_silo_killed_while_the_gateway_refunds_leaves_exactly_one_refund()
    {
        var (customer, id, slow) = await NewCustomer("tok_slow", 10_000);
        var paid = Assert.IsType<MoneyResult.PaymentResult>(await customer.ConfirmCheckout(Key(), await CheckoutOf(customer, 3_000), new ConfirmDraft(slow, null))).Payment;

        // A refund of a tok_slow charge waits two seconds at the gateway before it is made.
        _ = customer.RefundPayment(Key(), paid.Id, new RefundDraft(1_200, "damaged"));
        await Eventually.Get(() => Stored.EventTypesOf(id), types => types.Contains("refund-requested-v1"), TimeSpan.FromSeconds(30));
        await KillHostOf(customer);

        await Eventually.Get(() => customer.GetPayment(paid.Id), payment => payment?.Refunded == 1_200, TimeSpan.FromSeconds(90));
        Assert.Equal(1_200, await Stored.RefundedSum(id));
        Assert.Equal(1, await Stored.Scalar("SELECT count(*) FROM sandbox_refunds WHERE payment_id = @id", ("id", paid.Id)));
        Assert.Equal(["authorized", "succeeded", "refunded"], (await Stored.LedgerOf(paid.Id)).Select(row => row.Kind));
    }

    [Fact]
    public async Task A_silo_killed_under_concurrent_confirms_loses_no_acknowledged_payment_and_passes_no_cap()
    {
        const int customers = 12;
        const long amount = 1_000;
        const long cap = 15 * amount;
        var shoppers = await Task.WhenAll(Enumerable.Range(0, customers).Select(_ => NewCustomer("tok_visa", cap)));
        var acknowledged = new ConcurrentBag<(string CustomerId, string PaymentId)>();
        using var stop = new CancellationTokenSource();

        // Each customer's devices confirm one payment after another, 25 attempts each, while a silo dies.
        var paying = shoppers.Select(async shopper =>
        {
            for (var attempt = 0; attempt < 25 && !stop.IsCancellationRequested; attempt++)
            {
                try
                {
                    var checkout = await CheckoutOf(shopper.Customer, amount);
                    if (await shopper.Customer.ConfirmCheckout(Key(), checkout, new ConfirmDraft(shopper.MethodId, null))
                        is MoneyResult.PaymentResult { Payment.Status: PaymentStatus.Succeeded } paid)
                    {
                        acknowledged.Add((shopper.Id, paid.Payment.Id));
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // A call to the dying silo fails; the device tries the next payment.
                }
            }
        }).ToList();
        await Eventually.Get(() => Task.FromResult(acknowledged.Count), count => count >= 60, TimeSpan.FromSeconds(60));
        silos[0].Kill();
        silos.RemoveAt(0);
        await Task.WhenAll(paying);

        foreach (var (customer, id, _) in shoppers)
        {
            // Whatever the dead silo left open is settled or released by the survivor's reconciliation.
            var spent = await Eventually.Get(async () => (await customer.GetLimits()) is LimitsResult.Current current
                && await Stored.OpenPaymentsOf(id) == 0 ? current.Limits.Headroom.Single().Spent : -1, spent => spent >= 0, TimeSpan.FromSeconds(90));
            Assert.True(spent <= cap, $"{id} spent {spent} over its cap {cap}");
            Assert.Equal(spent, await Stored.SucceededSum(id));
            Assert.Equal(spent / amount, await Stored.ChargesOf(id));
        }
        foreach (var (customerId, paymentId) in acknowledged)
        {
            Assert.Equal("succeeded", (await Stored.LedgerOf(paymentId)).Last().Kind);
        }
    }
}
