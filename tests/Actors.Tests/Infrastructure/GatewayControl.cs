using System.Collections.Concurrent;
using Actors.Grains.Payments;
using Actors.Silo.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Steers the sandbox gateway of the silos behind an API test, so that no test waits on real time for it. The silos
/// wait at most <see cref="Timeout"/> for an answer, and only a new charge of <c>tok_timeout</c> is ever cut by it:
/// the card is charged whatever the deadline (stored as an ordinary card's charge, so reconciliation and refunds of
/// it answer) and the answer is lost. Every other call answers whatever the deadline, so a loaded machine never turns
/// an answer into <c>processing</c>. A test can also <see cref="Hold"/> a customer's charges until it lets them go.
/// </summary>
public sealed class GatewayControl
{
    /// <summary>The shortest gateway timeout the silo accepts: what a silent gateway costs a test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, GatewayHold> holds = new(StringComparer.Ordinal);

    /// <summary>Every charge of <paramref name="customerId"/> waits at the gateway until the hold is released or disposed.</summary>
    public GatewayHold Hold(string customerId)
    {
        var hold = new GatewayHold(self => holds.TryRemove(new KeyValuePair<string, GatewayHold>(customerId, self)));
        if (!holds.TryAdd(customerId, hold))
        {
            throw new InvalidOperationException($"Charges of {customerId} are held already.");
        }
        return hold;
    }

    /// <summary>Gives a silo a gateway steered by this control, and the gateway timeout <see cref="Timeout"/>.</summary>
    public void Install(IServiceCollection services)
    {
        services.RemoveAll<IPaymentGateway>();
        services.AddSingleton<SandboxGateway>();
        services.AddSingleton<IPaymentGateway>(provider => new SteeredGateway(provider.GetRequiredService<SandboxGateway>(), this));
        services.PostConfigure<PaymentSettings>(settings => settings.GatewayTimeout = Timeout);
    }

    private sealed class SteeredGateway(SandboxGateway sandbox, GatewayControl control) : IPaymentGateway
    {
        public async Task<ChargeOutcome> Charge(ChargeRequest request, CancellationToken cancellationToken)
        {
            if (control.holds.TryGetValue(request.CustomerId, out var hold))
            {
                await hold.Wait();
            }
            if (request.Token == SandboxTokens.Timeout && await sandbox.Find(request.PaymentId, CancellationToken.None) is null)
            {
                // Charged like any good card, whatever the deadline; the answer is lost, so only the deadline ends the wait.
                await sandbox.Charge(request with { Token = SandboxTokens.Visa }, CancellationToken.None);
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            }
            return await sandbox.Charge(request, CancellationToken.None);
        }

        public Task<ChargeOutcome?> Find(string paymentId, CancellationToken cancellationToken) =>
            sandbox.Find(paymentId, CancellationToken.None);

        public Task<RefundOutcome> Refund(RefundRequest request, CancellationToken cancellationToken) =>
            sandbox.Refund(request, CancellationToken.None);
    }
}

/// <summary>
/// Charges of one customer kept waiting at the gateway. The wait ignores the silo's gateway timeout, so the test alone
/// decides when the charge goes on; disposing releases it.
/// </summary>
public sealed class GatewayHold(Action<GatewayHold> forget) : IDisposable
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a charge has arrived and is waiting: the customer's payment is under way.</summary>
    public Task Reached => reached.Task;

    public void Release() => released.TrySetResult();

    public void Dispose()
    {
        forget(this);
        Release();
    }

    internal Task Wait()
    {
        reached.TrySetResult();
        return released.Task;
    }
}
