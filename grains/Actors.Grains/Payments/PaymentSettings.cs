using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Payments;

/// <summary>The <c>Payments</c> configuration section: how checkout, caps and reconciliation behave.</summary>
public sealed class PaymentSettings
{
    public const string Section = "Payments";

    /// <summary>How long a raised or removed cap waits before it applies.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan CoolingOff { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a created checkout can be confirmed.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CheckoutLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a confirmation waits for the gateway; past it the payment is <c>processing</c> and reconciliation
    /// finishes it. Well under the Orleans response timeout, so the caller always gets an answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:20")]
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A payment still open after this long is settled or released by asking the gateway what happened.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a customer with open payments is reconciled (a grain reminder; Orleans' minimum is one minute unless configured lower).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Units of each currency per one unit of a common base (e.g. EUR 1, USD 1.08, JPY 162), for checkouts in a
    /// currency other than the caps'. A currency missing here cannot be paid in unless it is the caps' own.
    /// </summary>
    public Dictionary<string, decimal> ExchangeRates { get; set; } = [];
}
