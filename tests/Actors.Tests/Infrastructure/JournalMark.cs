namespace Actors.Tests.Infrastructure;

/// <summary>
/// Where one customer's journal stood at a moment, to read back what was appended after it. A refused request
/// appends nothing, or only the record of its answer (<c>request-answered-v1</c>) when a retry must get it again.
/// </summary>
public sealed class JournalMark
{
    /// <summary>Every request notes its device, refused or not: that is the sessions list, not a change the request made.</summary>
    public const string DeviceSeen = "device-seen-v1";

    private readonly StoredData stored;
    private readonly string customerId;

    private JournalMark(StoredData stored, string customerId, long events) =>
        (this.stored, this.customerId, Events) = (stored, customerId, events);

    /// <summary>How many events the journal held at the mark.</summary>
    public long Events { get; }

    public static async Task<JournalMark> Take(StoredData stored, string customerId) =>
        new(stored, customerId, await stored.EventsOf(customerId));

    /// <summary>The types of the events appended since the mark, in order, device sightings left out.</summary>
    public async Task<IReadOnlyList<string>> Added() =>
        [.. (await stored.EventTypesOf(customerId)).Skip((int)Events).Where(type => type != DeviceSeen)];

    /// <summary>Asserts that not one event was appended since the mark.</summary>
    public async Task AssertUnchanged() => Assert.Equal(Events, await stored.EventsOf(customerId));
}
