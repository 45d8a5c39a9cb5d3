using Actors.Grains.Consent;
using Actors.Grains.Journal;
using Actors.Grains.Sessions;
using CsCheck;
using static Actors.Tests.Deciders.Customers;

namespace Actors.Tests.Consent;

/// <summary>Random sequences of consent decisions, from any channel, about known purposes and one no version knows.</summary>
public sealed class ConsentPropertyTests
{
    private sealed record Step(ConsentPurpose Purpose, bool? Granted, string PolicyVersion, string Channel, int Minutes);

    private static readonly Gen<Step> GenStep = Gen.Select(
        Gen.Frequency((10, AnyOf([.. ConsentPurposes.All])), (1, AnyOf((ConsentPurpose)0, (ConsentPurpose)7))),
        AnyOf<bool?>(true, false, true, false, null),
        AnyOf("v1", "v2", "2026-03", " bad"),
        AnyOf([.. Channels.All]),
        Gen.Int[0, 600],
        (purpose, granted, version, channel, minutes) => new Step(purpose, granted, version, channel, minutes));

    private static Gen<T> AnyOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(index => values[index]);

    [Fact]
    public void The_current_consent_is_the_last_decision_per_purpose_and_the_gate_allows_only_a_last_grant()
    {
        GenStep.Array[0, 40].Sample(steps =>
        {
            var state = Shopper();
            var now = Now;
            var journal = new List<JournalEvent>();
            var last = new Dictionary<ConsentPurpose, (bool Granted, string Version, DateTimeOffset At, string Channel)>();
            foreach (var step in steps)
            {
                now = now.AddMinutes(step.Minutes);
                var decision = ConsentDecider.Record(state, step.Purpose, new ConsentDraft(step.Granted, step.PolicyVersion), step.Channel, "device-1", now);
                state = Apply(state, decision.Events);
                journal.AddRange(decision.Events);
                var valid = ConsentPurposes.IsKnown(step.Purpose) && step.Granted is not null && step.PolicyVersion != " bad";
                Assert.Equal(valid, decision.Answer is ConsentResult.Current);
                var changes = valid && !(last.TryGetValue(step.Purpose, out var previous) && previous.Granted == step.Granted && previous.Version == step.PolicyVersion);
                Assert.Equal(changes ? 1 : 0, decision.Events.Length);
                if (changes)
                {
                    last[step.Purpose] = (step.Granted!.Value, step.PolicyVersion, now, step.Channel);
                }

                var gate = ConsentGate.Of(state);
                foreach (var purpose in ConsentPurposes.All)
                {
                    var current = state.Consents.LatestFor(purpose);
                    if (last.TryGetValue(purpose, out var expected))
                    {
                        Assert.Equal(new ConsentDecision(purpose, expected.Granted, expected.Version, expected.At, expected.Channel, "device-1"), current);
                        Assert.Equal(expected.Granted, gate.Allows(purpose));
                    }
                    else
                    {
                        Assert.Null(current);
                        Assert.False(gate.Allows(purpose));
                    }
                }
                Assert.False(gate.Allows((ConsentPurpose)0));
                Assert.False(gate.Allows((ConsentPurpose)7));
                Assert.Equal([.. ConsentPurposes.All.Where(purpose => last.TryGetValue(purpose, out var decided) && decided.Granted)], gate.Allowed);
            }

            // The journal alone rebuilds the same consents, and its consent events are the full history of changes.
            Assert.Equal(state.Consents.Latest.OrderBy(pair => pair.Key), Apply(Shopper(), journal).Consents.Latest.OrderBy(pair => pair.Key));
            Assert.All(journal, change => Assert.IsType<ConsentRecorded>(change));
        }, iter: 500);
    }
}
