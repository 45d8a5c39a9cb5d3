using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Actors.Grains.Journal;

namespace Actors.Grains.Sessions;

/// <summary>The channels a merchant sells through.</summary>
public static class Channels
{
    public const string Web = "web";
    public const string Mobile = "mobile";
    public const string Pos = "pos";

    public static readonly ImmutableArray<string> All = [Web, Mobile, Pos];

    public static bool IsKnown(string? channel) => channel is Web or Mobile or Pos;
}

/// <summary>
/// Where a request comes from: the device (or store till) and its channel, as the client states them, and whether the
/// customer themself is calling (a customer's token, not staff acting on them), which sensitive changes check.
/// </summary>
[GenerateSerializer, Immutable, Alias("caller-v1")]
public sealed partial record Caller(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Channel,
    [property: Id(2)] string? DeviceLabel,
    [property: Id(3)] bool ByCustomer = false)
{
    public const int MaxDeviceId = 64;
    public const int MaxDeviceLabel = 100;

    /// <summary>The request-context key the API puts the caller under for every grain call.</summary>
    public const string ContextKey = "actors.caller";

    /// <summary>The caller described by request headers, or the reasons they do not describe one.</summary>
    public static Caller? TryParse(string? deviceId, string? channel, string? deviceLabel, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(deviceId) || deviceId.Length > MaxDeviceId || !DeviceIdShape().IsMatch(deviceId))
        {
            errors["X-Device-Id"] = [$"is required: 1–{MaxDeviceId} letters, digits, '.', '_', ':' or '-'"];
        }
        if (!Channels.IsKnown(channel))
        {
            errors["X-Channel"] = [$"is required: one of {string.Join(", ", Channels.All)}"];
        }
        var label = string.IsNullOrWhiteSpace(deviceLabel) ? null : deviceLabel.Trim();
        if (label is { Length: > MaxDeviceLabel } || (label is not null && label.Any(char.IsControl)))
        {
            errors["X-Device-Label"] = [$"must be at most {MaxDeviceLabel} printable characters"];
        }
        return errors.Count == 0 ? new Caller(deviceId!, channel!, label) : null;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex DeviceIdShape();
}

/// <summary>A device or till this customer has used: when it was first and last seen, and through which channel.</summary>
[GenerateSerializer, Immutable, Alias("device-session-v1")]
public sealed record DeviceSession(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Channel,
    [property: Id(2)] string? DeviceLabel,
    [property: Id(3)] DateTimeOffset FirstSeen,
    [property: Id(4)] DateTimeOffset LastSeen);

/// <summary>The devices a customer has been seen on, most recent first; bounded so state stays small.</summary>
[GenerateSerializer, Immutable, Alias("sessions-state-v1")]
public sealed record SessionsState
{
    public const int MaxSessions = 20;

    [Id(0)] public ImmutableList<DeviceSession> Sessions { get; init; } = [];

    /// <summary>Last-seen times are kept to this precision, so a busy device does not make every call a change.</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);

    public static SessionsState Empty { get; } = new();

    /// <summary>
    /// Records a request from <paramref name="caller"/>; the least recently seen device drops off past the bound.
    /// Returns this same instance when nothing worth writing changed.
    /// </summary>
    public SessionsState Seen(Caller caller, DateTimeOffset now) => Sighting(caller, now) is { } session ? With(session) : this;

    /// <summary>The session as a request from <paramref name="caller"/> leaves it; null when nothing worth writing changed.</summary>
    public DeviceSession? Sighting(Caller caller, DateTimeOffset now)
    {
        var existing = Sessions.Find(session => session.DeviceId == caller.DeviceId);
        if (existing is not null && ReferenceEquals(existing, Sessions[0]) && existing.Channel == caller.Channel
            && (caller.DeviceLabel is null || caller.DeviceLabel == existing.DeviceLabel) && now - existing.LastSeen < LastSeenPrecision)
        {
            return null;
        }
        return existing is null
            ? new DeviceSession(caller.DeviceId, caller.Channel, caller.DeviceLabel, now, now)
            : existing with { Channel = caller.Channel, DeviceLabel = caller.DeviceLabel ?? existing.DeviceLabel, LastSeen = now };
    }

    /// <summary>Puts <paramref name="session"/> first in place of the device's earlier one; applying it twice changes nothing more.</summary>
    public SessionsState With(DeviceSession session)
    {
        var rest = Sessions.RemoveAll(existing => existing.DeviceId == session.DeviceId);
        return this with { Sessions = rest.Insert(0, session).Take(MaxSessions).ToImmutableList() };
    }
}

/// <summary>A device or till was seen: written lazily, with the next change or by a timer.</summary>
[GenerateSerializer, Immutable, Alias("device-seen-v1")]
public sealed record DeviceSeen([property: Id(0)] DeviceSession Session) : JournalEvent;
