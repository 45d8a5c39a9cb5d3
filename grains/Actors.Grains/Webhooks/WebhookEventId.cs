namespace Actors.Grains.Webhooks;

/// <summary>
/// A webhook event's id: <c>evt_</c> + customer + journal sequence. It follows from the journal row alone, so every
/// retry and replay of the event carries the same id, and a receiver dedupes on it.
/// </summary>
public static class WebhookEventId
{
    public const string Prefix = "evt_";

    public static string Of(string customerId, long sequence) => $"{Prefix}{customerId}_{sequence}";

    /// <summary>The customer and sequence of <paramref name="eventId"/>, or false when it is no event id.</summary>
    public static bool TryParse(string? eventId, out string customerId, out long sequence)
    {
        customerId = "";
        sequence = 0;
        if (eventId is null || !eventId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var cut = eventId.LastIndexOf('_');
        if (cut <= Prefix.Length || !long.TryParse(eventId.AsSpan(cut + 1), System.Globalization.NumberStyles.None, null, out sequence) || sequence <= 0)
        {
            return false;
        }
        customerId = eventId[Prefix.Length..cut];
        return Customers.CustomerId.IsWellFormed(customerId);
    }
}
