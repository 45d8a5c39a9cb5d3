using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Actors.Grains.StepUp;

namespace Actors.Grains.Limits;

/// <summary>Changing caps and self-exclusion as decisions over the customer's state; <see cref="SpendingPolicy"/> holds the rules.</summary>
public static class LimitsDecider
{
    /// <summary>
    /// States all three caps: stricter ones apply at once, looser ones after <paramref name="coolingOff"/>. Starting
    /// to raise or remove a cap is sensitive: it needs <paramref name="stepUp"/> satisfied; lowering never does. The
    /// change records the <paramref name="channel"/> and <paramref name="deviceId"/> it came from, for its audit entry.
    /// </summary>
    public static Decision<LimitsResult> Set(CustomerState state, CapRequest caps, DateTimeOffset now, TimeSpan coolingOff, StepUpStanding stepUp,
        string? channel = null, string? deviceId = null)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<LimitsResult>(new LimitsResult.CustomerNotFound());
        }
        return SpendingPolicy.Change(state.Commerce.Limits, caps, now, coolingOff) switch
        {
            LimitsChange.Applied applied when Loosens(state.Commerce.Limits, applied.Limits) && stepUp.Required is { } method =>
                Decision.Answer<LimitsResult>(new LimitsResult.StepUpRequired(method)),
            LimitsChange.Applied applied => Changed(state, applied.Limits, now, limits => new CapsSet(limits, state.CapCurrency) { At = now, Channel = channel, DeviceId = deviceId }),
            LimitsChange.Invalid invalid => Decision.Answer<LimitsResult>(new LimitsResult.Invalid(invalid.Errors)),
            _ => throw new InvalidOperationException("Unknown limits change."),
        };
    }

    /// <summary>Excludes the customer from every checkout until <paramref name="until"/>; an exclusion in force can only be extended.</summary>
    public static Decision<LimitsResult> SelfExclude(CustomerState state, DateTimeOffset until, DateTimeOffset now, string? channel = null, string? deviceId = null)
    {
        if (state.Profile is null)
        {
            return Decision.Answer<LimitsResult>(new LimitsResult.CustomerNotFound());
        }
        return SpendingPolicy.Exclude(SpendingPolicy.EffectiveAt(state.Commerce.Limits, now), until, now) switch
        {
            ExclusionChange.Applied applied => Changed(state, applied.Limits, now, limits => new SelfExclusionSet(limits, state.CapCurrency) { At = now, Channel = channel, DeviceId = deviceId }),
            ExclusionChange.TooSoon tooSoon => Decision.Answer<LimitsResult>(new LimitsResult.ExclusionTooSoon(tooSoon.Earliest)),
            ExclusionChange.WouldShorten shorten => Decision.Answer<LimitsResult>(new LimitsResult.ExclusionWouldShorten(shorten.Current)),
            _ => throw new InvalidOperationException("Unknown exclusion change."),
        };
    }

    /// <summary>The caps as the customer sees them at <paramref name="now"/>: in force, pending, exclusion, headroom.</summary>
    public static LimitsView View(CustomerState state, DateTimeOffset now) => View(state, SpendingPolicy.EffectiveAt(state.Commerce.Limits, now), now);

    private static LimitsView View(CustomerState state, SpendingLimits limits, DateTimeOffset now)
    {
        var headroom = SpendingPolicy.Headroom(limits, state.Commerce.Spend, now, state.Zone);
        return new LimitsView(state.CapCurrency, limits.Daily, limits.Weekly, limits.Monthly, limits.Pending,
            SpendingPolicy.IsExcluded(limits, now) ? limits.ExcludedUntil : null, [.. headroom]);
    }

    /// <summary>Whether <paramref name="after"/> starts a raise or removal that <paramref name="before"/> did not have cooling off.</summary>
    public static bool Loosens(SpendingLimits before, SpendingLimits after) => after.Pending.Any(change => !before.Pending.Contains(change));

    // Restating what is already stored (same caps, same currency) appends nothing.
    private static Decision<LimitsResult> Changed(CustomerState state, SpendingLimits limits, DateTimeOffset now, Func<SpendingLimits, JournalEvent> change)
    {
        var answer = new LimitsResult.Current(View(state, limits, now));
        return limits == state.Commerce.Limits && state.Commerce.CapCurrency == state.CapCurrency
            ? Decision.Answer<LimitsResult>(answer)
            : Decision.Emit<LimitsResult>(answer, change(limits));
    }
}
