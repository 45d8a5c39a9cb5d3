namespace Actors.Tests.Webhooks;

/// <summary>Webhook settings for tests: frequent polls, a one-second timeout, and retries after a tenth of a second.</summary>
public static class WebhookTestSettings
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static Dictionary<string, string?> Values => new()
    {
        ["Webhooks:PollEvery"] = "00:00:00.050",
        ["Webhooks:Timeout"] = Timeout.ToString(),
        ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
        ["Webhooks:MaxRetryDelay"] = "00:00:00.400",
    };
}
