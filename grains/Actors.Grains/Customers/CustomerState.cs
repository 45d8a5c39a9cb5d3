using System.Collections.Immutable;
using Actors.Grains.Cases;
using Actors.Grains.Consent;
using Actors.Grains.Erasure;
using Actors.Grains.Merge;
using Actors.Grains.Profiles;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;

namespace Actors.Grains.Customers;

/// <summary>
/// A customer as its journal's events leave it: profile, commerce, sessions and consents. Immutable; <see cref="CustomerEvolution"/>
/// makes the next one from an event, and a snapshot of it spares replaying the whole journal on activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("customer-state-v1")]
public sealed record CustomerState
{
    /// <summary>Null until the customer is created.</summary>
    [Id(0)] public Profile? Profile { get; init; }
    [Id(1)] public CommerceState Commerce { get; init; } = CommerceState.Empty;
    [Id(2)] public SessionsState Sessions { get; init; } = SessionsState.Empty;

    /// <summary>The highest live sequence number any activation may have handed out (see <see cref="Live.LiveNumbersClaimed"/>).</summary>
    [Id(3)] public long LiveCeiling { get; init; }

    /// <summary>The latest consent decision per purpose; what a rule may use goes through <see cref="ConsentGate"/>.</summary>
    [Id(4)] public ConsentState Consents { get; init; } = ConsentState.None;
    /// <summary>
    /// The keys of the channel identifiers this customer holds (<c>email:…</c>, <c>phone:…</c>, <c>card:…</c>,
    /// <c>device:…</c>), as its journal says; each one's identity grain names this customer (see <see cref="Identity.IdentityGrain"/>).
    /// </summary>
    [Id(5)] public ImmutableSortedSet<string> Identities { get; init; } = [];

    /// <summary>Whom this customer was merged into, and whom it took in (see <see cref="Merge.MergeDecider"/>).</summary>
    [Id(6)] public MergeState Merges { get; init; } = MergeState.None;

    /// <summary>Null unless the customer is being (or was) erased (see <see cref="Erasure.ErasureDecider"/>).</summary>
    [Id(7)] public ErasureState? Erasure { get; init; }

    /// <summary>Support cases on this customer's payments, and the feedback they gave.</summary>
    [Id(12)] public CasesState Cases { get; init; } = CasesState.None;

    /// <summary>How the customer steps up before a sensitive change, and which devices did lately (see <see cref="StepUp.StepUpRules"/>).</summary>
    [Id(20)] public AccountStepUpState StepUp { get; init; } = AccountStepUpState.None;

    /// <summary>A customer nothing has been written for.</summary>
    public static CustomerState New { get; } = new();

    /// <summary>The customer's own time zone, in which daily, weekly and monthly windows begin (UTC before creation).</summary>
    public TimeZoneInfo Zone => Profile is { } profile ? TimeZoneInfo.FindSystemTimeZoneById(profile.TimeZone) : TimeZoneInfo.Utc;

    /// <summary>Caps and spend stay in the currency they started in, even if the home currency changes later.</summary>
    public string CapCurrency => Commerce.CapCurrency ?? Profile?.HomeCurrency ?? throw new InvalidOperationException("No customer yet.");
}
