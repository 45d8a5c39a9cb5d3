using Actors.Api.Live;

namespace Actors.Tests.Live;

public sealed class SequenceOrderTests
{
    private static SequenceOrder<string> StartedAt(long latest)
    {
        var order = new SequenceOrder<string>();
        Assert.Empty(order.CatchUp(latest));
        return order;
    }

    [Fact]
    public void Events_in_order_go_straight_out()
    {
        var order = StartedAt(10);

        Assert.Equal(["a"], order.Accept(11, "a"));
        Assert.Equal(["b"], order.Accept(12, "b"));
        Assert.False(order.Waiting);
        Assert.Equal(12, order.Last);
    }

    [Fact]
    public void An_early_event_waits_for_the_one_before_it_and_a_repeat_is_dropped()
    {
        var order = StartedAt(10);

        Assert.Empty(order.Accept(13, "c"));
        Assert.Empty(order.Accept(12, "b"));
        Assert.True(order.Waiting);
        Assert.Equal(["a", "b", "c"], order.Accept(11, "a"));
        Assert.Empty(order.Accept(12, "b again"));
        Assert.False(order.Waiting);
    }

    [Fact]
    public void Events_that_beat_the_first_answer_are_kept_if_newer_and_dropped_if_already_in_the_fetched_state()
    {
        var order = new SequenceOrder<string>();

        Assert.Empty(order.Accept(10, "old"));
        Assert.Empty(order.Accept(11, "new"));
        Assert.Equal(["new"], order.CatchUp(10));
    }

    [Fact]
    public void A_number_the_grain_handed_out_is_awaited_and_needs_no_resync_when_it_comes()
    {
        var order = StartedAt(10);

        Assert.Empty(order.CatchUp(11));
        Assert.True(order.Waiting);
        Assert.Equal(["a"], order.Accept(11, "a"));

        Assert.Empty(order.Release(out var resyncTo));
        Assert.Null(resyncTo);
    }

    [Fact]
    public void Numbers_that_never_come_are_given_up_with_a_resync_and_what_came_after_them_follows()
    {
        var order = StartedAt(10);
        Assert.Equal(["a"], order.Accept(11, "a"));

        // The customer moved: its new activation opened a block at 1012 and already sent 1013.
        Assert.Empty(order.Accept(1013, "after the move"));
        Assert.Empty(order.CatchUp(1012));
        var released = order.Release(out var resyncTo);

        Assert.Equal(1012, resyncTo);
        Assert.Equal(["after the move"], released);
        Assert.Equal(1013, order.Last);
        Assert.Equal(["next"], order.Accept(1014, "next"));
    }

    [Fact]
    public void A_lost_event_without_any_newer_answer_releases_the_rest_with_the_gap_left_for_clients()
    {
        var order = StartedAt(10);

        Assert.Empty(order.Accept(12, "b"));
        var released = order.Release(out var resyncTo);

        Assert.Null(resyncTo);
        Assert.Equal(["b"], released);
        Assert.Equal(12, order.Last);
    }
}
