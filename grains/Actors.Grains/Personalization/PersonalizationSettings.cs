namespace Actors.Grains.Personalization;

/// <summary>The <c>Personalization</c> configuration section: loyalty points, offers, and the high-value segment.</summary>
public sealed class PersonalizationSettings
{
    public const string Section = "Personalization";

    public LoyaltySettings Loyalty { get; set; } = new();

    public List<Offer> Offers { get; set; } = [];

    /// <summary>Experiments on personalization strategies; each customer is in one variant of each, by a hash of their id.</summary>
    public List<Experiments.ExperimentSettings> Experiments { get; set; } = [];

    /// <summary>Net spend, in minor units of the loyalty currency, from which a customer is in the high-value segment.</summary>
    public long HighValueSpend { get; set; } = 100_000;

    /// <summary>Whether checkouts are risk-scored (step-up, cards left out). Off only where a load test pays far faster than a person.</summary>
    public bool RiskChecks { get; set; } = true;
}
