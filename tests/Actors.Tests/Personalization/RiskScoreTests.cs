using Actors.Grains.Personalization;
using CsCheck;

namespace Actors.Tests.Personalization;

public sealed class RiskScoreTests
{
    [Fact]
    public void A_usual_purchase_from_a_known_device_carries_no_risk()
    {
        Assert.Equal(RiskAssessment.None with { Factors = [] }, RiskScore.Assess(new RiskSignals(false, 2_000, 1_800, 0)));
    }

    [Fact]
    public void A_new_device_alone_does_not_need_step_up()
    {
        var risk = RiskScore.Assess(new RiskSignals(NewDevice: true, 2_000, 1_800, 0));

        Assert.Equal(30, risk.Score);
        Assert.False(risk.RequiresStepUp);
        Assert.Equal("This is the first purchase from this device.", Assert.Single(risk.Factors).Reason);
    }

    [Fact]
    public void A_new_device_and_an_amount_far_above_the_usual_need_step_up_and_hide_unproven_cards()
    {
        var risk = RiskScore.Assess(new RiskSignals(NewDevice: true, 20_000, 1_800, 0));

        Assert.Equal(90, risk.Score);
        Assert.True(risk.RequiresStepUp);
        Assert.True(risk.HidesUnprovenMethods);
        Assert.Equal(["new_device", "amount_far_above_usual"], risk.Factors.Select(factor => factor.Code));
    }

    [Fact]
    public void Three_times_the_usual_amount_needs_step_up()
    {
        var risk = RiskScore.Assess(new RiskSignals(false, 5_400, 1_800, 0));

        Assert.Equal((40, true, false), (risk.Score, risk.RequiresStepUp, risk.HidesUnprovenMethods));
    }

    [Fact]
    public void Without_a_usual_amount_the_amount_is_not_judged()
    {
        Assert.Equal(0, RiskScore.Assess(new RiskSignals(false, 1_000_000, null, 0)).Score);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 25)]
    [InlineData(6, 50)]
    public void Many_payments_within_an_hour_add_risk(int payments, int score) =>
        Assert.Equal(score, RiskScore.Assess(new RiskSignals(false, 1_000, 1_000, payments)).Score);

    [Fact]
    public void The_score_is_the_sum_of_its_factors_and_more_signals_never_lower_it()
    {
        Gen.Select(Gen.Bool, Gen.Long[1, 1_000_000], Gen.Long[1, 100_000], Gen.Int[0, 20]).Sample((newDevice, amount, usual, velocity) =>
        {
            var risk = RiskScore.Assess(new RiskSignals(newDevice, amount, usual, velocity));

            Assert.Equal(risk.Factors.Sum(factor => factor.Points), risk.Score);
            Assert.Equal(risk.Score >= RiskScore.StepUpFrom, risk.RequiresStepUp);
            Assert.True(RiskScore.Assess(new RiskSignals(true, amount * 2, usual, velocity + 1)).Score >= risk.Score);
        });
    }
}
