using System.Collections.Immutable;

namespace Actors.Grains.Personalization;

/// <summary>What the risk of one checkout is judged on; all of it is the customer's own activity.</summary>
/// <param name="NewDevice">The device asking has not been seen on this customer before.</param>
/// <param name="Amount">The checkout's total in the caps' currency.</param>
/// <param name="UsualAmount">The median of the customer's recent purchases (<see cref="ShopperStats.UsualAmount"/>).</param>
/// <param name="PaymentsLastHour">Payments the customer started in the hour before.</param>
public readonly record struct RiskSignals(bool NewDevice, long Amount, long? UsualAmount, int PaymentsLastHour);

/// <summary>One reason a checkout looks risky and the points it adds.</summary>
[GenerateSerializer, Immutable, Alias("risk-factor-v1")]
public sealed record RiskFactor([property: Id(0)] string Code, [property: Id(1)] int Points, [property: Id(2)] string Reason);

/// <summary>
/// An explainable score: the sum of its factors' points. From <see cref="RiskScore.StepUpFrom"/> the payment needs
/// step-up; from <see cref="RiskScore.HideUnprovenFrom"/> cards never paid with before are not offered either.
/// </summary>
[GenerateSerializer, Immutable, Alias("risk-assessment-v1")]
public sealed record RiskAssessment(
    [property: Id(0)] int Score,
    [property: Id(1)] ImmutableList<RiskFactor> Factors,
    [property: Id(2)] bool RequiresStepUp,
    [property: Id(3)] bool HidesUnprovenMethods)
{
    public static RiskAssessment None { get; } = new(0, [], false, false);
}

/// <summary>
/// Risk-based checkout options. Fraud prevention serves the customer and needs no marketing or personalization
/// consent; it reads only the customer's own devices and payments, and every factor says what it saw.
/// </summary>
public static class RiskScore
{
    public const int StepUpFrom = 40;
    public const int HideUnprovenFrom = 70;

    public static RiskAssessment Assess(RiskSignals signals)
    {
        var factors = ImmutableList.CreateBuilder<RiskFactor>();
        if (signals.NewDevice)
        {
            factors.Add(new RiskFactor("new_device", 30, "This is the first purchase from this device."));
        }
        if (signals.UsualAmount is > 0 and var usual)
        {
            if (signals.Amount >= 10 * usual)
            {
                factors.Add(new RiskFactor("amount_far_above_usual", 60, "The amount is more than ten times what you usually spend."));
            }
            else if (signals.Amount >= 3 * usual)
            {
                factors.Add(new RiskFactor("amount_above_usual", 40, "The amount is more than three times what you usually spend."));
            }
        }
        if (signals.PaymentsLastHour >= 6)
        {
            factors.Add(new RiskFactor("high_velocity", 50, $"There were {signals.PaymentsLastHour} payments in the last hour."));
        }
        else if (signals.PaymentsLastHour >= 3)
        {
            factors.Add(new RiskFactor("velocity", 25, $"There were {signals.PaymentsLastHour} payments in the last hour."));
        }
        var score = factors.Sum(factor => factor.Points);
        return new RiskAssessment(score, factors.ToImmutable(), score >= StepUpFrom, score >= HideUnprovenFrom);
    }
}
