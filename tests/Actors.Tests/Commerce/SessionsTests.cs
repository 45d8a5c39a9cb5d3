using Actors.Grains.Sessions;

namespace Actors.Tests.Commerce;

public sealed class SessionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_most_recent_device_comes_first_and_keeps_its_first_sighting()
    {
        var sessions = new SessionsState()
            .Seen(new Caller("phone", Channels.Mobile, "Ada's phone"), Now)
            .Seen(new Caller("laptop", Channels.Web, null), Now.AddMinutes(1))
            .Seen(new Caller("phone", Channels.Mobile, null), Now.AddMinutes(5));

        Assert.Equal(["phone", "laptop"], sessions.Sessions.Select(session => session.DeviceId));
        Assert.Equal((Now, Now.AddMinutes(5), "Ada's phone"), (sessions.Sessions[0].FirstSeen, sessions.Sessions[0].LastSeen, sessions.Sessions[0].DeviceLabel));
    }

    [Fact]
    public void Repeated_calls_from_the_same_device_within_a_minute_change_nothing()
    {
        var sessions = new SessionsState().Seen(new Caller("phone", Channels.Mobile, null), Now);

        Assert.Same(sessions, sessions.Seen(new Caller("phone", Channels.Mobile, null), Now.AddSeconds(59)));
        Assert.NotSame(sessions, sessions.Seen(new Caller("phone", Channels.Mobile, null), Now.AddMinutes(1)));
        Assert.NotSame(sessions, sessions.Seen(new Caller("phone", Channels.Pos, null), Now));
    }

    [Fact]
    public void Only_the_most_recent_devices_are_kept()
    {
        var sessions = new SessionsState();
        for (var i = 0; i < SessionsState.MaxSessions + 5; i++)
        {
            sessions = sessions.Seen(new Caller($"device-{i}", Channels.Web, null), Now.AddMinutes(i));
        }

        Assert.Equal(SessionsState.MaxSessions, sessions.Sessions.Count);
        Assert.Equal($"device-{SessionsState.MaxSessions + 4}", sessions.Sessions[0].DeviceId);
        Assert.DoesNotContain(sessions.Sessions, session => session.DeviceId == "device-0");
    }

    [Theory]
    [InlineData(null, "web", "X-Device-Id")]
    [InlineData("has space", "web", "X-Device-Id")]
    [InlineData("phone", "fax", "X-Channel")]
    [InlineData("phone", null, "X-Channel")]
    public void Callers_must_name_a_device_and_a_known_channel(string? device, string? channel, string header)
    {
        var errors = new Dictionary<string, string[]>();

        Assert.Null(Caller.TryParse(device, channel, null, errors));
        Assert.Contains(header, errors.Keys);
    }
}
