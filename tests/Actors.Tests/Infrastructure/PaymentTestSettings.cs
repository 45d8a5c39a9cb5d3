namespace Actors.Tests.Infrastructure;

/// <summary>
/// The <c>Payments</c> settings every test host runs with: the production defaults except that reconciliation
/// runs every two seconds (so tests see it happen), a gateway timeout of three seconds (the API tests' silos shorten
/// it, see <see cref="GatewayControl"/>), a small rate table with EUR as the base, and risk checks off: the suite pays
/// many times a minute from devices it has just made, which the risk score rightly asks step-up for (the tests of the
/// risk score turn them on).
/// </summary>
public static class PaymentTestSettings
{
    public static readonly TimeSpan ReconcileAfter = TimeSpan.FromSeconds(2);

    /// <summary>An experiment on an offer no test configures, so it changes no summary and only its figures can be seen.</summary>
    public const string Experiment = "welcome-offer";

    /// <summary>With the <see cref="PrivacyTestSettings"/> and <see cref="ReceiptTestSettings"/> keys, which every host needs to start.</summary>
    public static Dictionary<string, string?> Values => new(PrivacyTestSettings.Values.Concat(ReceiptTestSettings.Values))
    {
        ["Payments:GatewayTimeout"] = "00:00:03",
        ["Payments:ReconcileAfter"] = ReconcileAfter.ToString(),
        ["Payments:ReconcileEvery"] = ReconcileAfter.ToString(),
        ["Payments:ExchangeRates:EUR"] = "1",
        ["Payments:ExchangeRates:USD"] = "1.1",
        ["Payments:ExchangeRates:GBP"] = "0.8",
        ["Payments:ExchangeRates:JPY"] = "160",
        ["Personalization:RiskChecks"] = "false",
        ["Personalization:Experiments:0:Id"] = Experiment,
        ["Personalization:Experiments:0:Strategy"] = "Offer",
        ["Personalization:Experiments:0:OfferId"] = "welcome10",
    };
}
