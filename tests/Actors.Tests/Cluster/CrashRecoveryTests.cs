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

namespace Actors.Tests.Cluster;

/// <summary>
/// The silo running a confirmation dies between the durable reservation and the settling write: before the
/// gateway charged, or after it charged but before the answer was recorded. Another silo's reconciliation must
/// then leave exactly one charge (or none), exactly one ledger entry per event, and the right spend.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly List<IHost> silos = [];
    private readonly string clusterId = "crash-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Crashes crashes = new();
    private string connectionString = null!;

    public async Task InitializeAsync() => connectionString = await TestPostgres.Instance.CreateDatabase();

    public async Task DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.StopAsync(new CancellationToken(canceled: true));
            silo.Dispose();
        }
    }

    [Theory]
    [InlineData(CrashPoint.AfterCharge, PaymentStatus.Succeeded, 1)]
    [InlineData(CrashPoint.BeforeCharge, PaymentStatus.Released, 0)]
    public async Task A_silo_dying_mid_payment_leaves_exactly_what_the_gateway_did(CrashPoint point, PaymentStatus expected, int charges)
    {
        silos.Add(await StartSilo());
        silos.Add(await StartSilo());
        using var clientHost = await Hosts.StartClient(connectionString, clusterId);
        var client = clientHost.Services.GetRequiredService<IClusterClient>();
        var id = CustomerId.New();
        var customer = client.GetGrain<ICustomerGrain>(id);
        await customer.Create(SampleProfiles.Ada() with { HomeCurrency = "EUR" });
        await customer.SetLimits(new CapRequest(10_000, null, null));
        var method = Assert.IsType<WalletResult.Saved>(await customer.AddPaymentMethod(new PaymentMethodDraft("tok_visa", "visa", "4242", 12, 2030, "GB", false))).Method;
        var draft = new CheckoutDraft([new CheckoutDraftLine("sku-1", "Coffee beans", 3_000, "EUR", 1)], null);
        var checkout = Assert.IsType<MoneyResult.CheckoutCreated>(await customer.CreateCheckout(new IdempotentRequest("create", "x"), draft)).Summary.Checkout;
        var crash = crashes.Arm(id, point);

        _ = customer.ConfirmCheckout(new IdempotentRequest("confirm", "x"), checkout.Id, new ConfirmDraft(method.Id, null));
        var paymentId = await crash.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var hosting = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(customer);
        var dying = silos.Single(silo => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress == hosting);
        silos.Remove(dying);
        await dying.StopAsync(new CancellationToken(canceled: true));
        dying.Dispose();

        var settled = await Eventually.Get(() => customer.GetPayment(paymentId), payment => payment?.Status == expected, TimeSpan.FromSeconds(90));

        var database = new StoredData(connectionString);
        Assert.Equal(charges, await database.ChargesOf(id));
        var kinds = (await database.LedgerOf(paymentId)).Select(row => row.Kind).Order();
        Assert.Equal(expected == PaymentStatus.Succeeded ? ["authorized", "succeeded"] : ["authorized", "released"], kinds);
        var daily = Assert.IsType<LimitsResult.Current>(await customer.GetLimits()).Limits.Headroom.Single();
        Assert.Equal(10_000 - (charges * settled!.ConvertedAmount), daily.Remaining);
    }

    private Task<IHost> StartSilo() => Hosts.StartSilo(connectionString, clusterId, services =>
    {
        Hosts.DetectDeadSilosQuickly(services);
        var sandbox = services.Last(service => service.ServiceType == typeof(IPaymentGateway));
        services.AddSingleton<IPaymentGateway>(provider => new CrashingGateway(
            (IPaymentGateway)(sandbox.ImplementationFactory?.Invoke(provider) ?? ActivatorUtilities.CreateInstance(provider, sandbox.ImplementationType!)),
            crashes));
    });

    public enum CrashPoint
    {
        BeforeCharge,
        AfterCharge,
    }

    public sealed record Crash(CrashPoint Point, TaskCompletionSource<string> Reached);

    /// <summary>Which customer's next charge stops the silo's turn dead, and where.</summary>
    public sealed class Crashes
    {
        private readonly ConcurrentDictionary<string, Crash> armed = new();

        public Crash Arm(string customerId, CrashPoint point) =>
            armed[customerId] = new Crash(point, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

        public Crash? Take(string customerId) => armed.TryRemove(customerId, out var crash) ? crash : null;
    }

    /// <summary>
    /// The sandbox gateway, except that an armed charge never returns to the grain: the turn is stuck exactly as if
    /// the process had died at that point, and the silo is then stopped without a graceful deactivation.
    /// </summary>
    private sealed class CrashingGateway(IPaymentGateway sandbox, Crashes crashes) : IPaymentGateway
    {
        public async Task<ChargeOutcome> Charge(ChargeRequest request, CancellationToken cancellationToken)
        {
            if (crashes.Take(request.CustomerId) is not { } crash)
            {
                return await sandbox.Charge(request, cancellationToken);
            }
            if (crash.Point == CrashPoint.AfterCharge)
            {
                await sandbox.Charge(request, CancellationToken.None);
            }
            crash.Reached.SetResult(request.PaymentId);
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            throw new InvalidOperationException("Unreachable.");
        }

        public Task<ChargeOutcome?> Find(string paymentId, CancellationToken cancellationToken) => sandbox.Find(paymentId, cancellationToken);

        public Task<RefundOutcome> Refund(RefundRequest request, CancellationToken cancellationToken) => sandbox.Refund(request, cancellationToken);
    }
}
