using Actors.Grains.Privacy;
using Actors.Grains.Webhooks;
using Actors.Silo.Hosting;

namespace Actors.Silo.Privacy;

/// <summary>
/// Master key rotation: once a silo starts with a new <c>Privacy:ActiveMasterKey</c>, it rewraps in the background
/// everything still sealed by an older master key: every customer's data key (sealed data is untouched: the data keys
/// stay the same) and every webhook signing secret. When no row names the old id any more, it can be removed from
/// <c>Privacy:MasterKeys</c>.
/// </summary>
public sealed partial class MasterKeyRewrap(CustomerKeys keys, WebhookSecrets webhookSecrets, SiloDatabase database, ILogger<MasterKeyRewrap> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var rewrapped = await keys.Rewrap(stoppingToken);
            if (rewrapped > 0)
            {
                LogRewrapped(log, rewrapped);
            }
            var (resealed, unreadable) = await webhookSecrets.Rewrap(database.DataSource, stoppingToken);
            if (resealed > 0)
            {
                LogSecretsResealed(log, resealed);
            }
            if (unreadable > 0)
            {
                LogSecretsUnreadable(log, unreadable);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // The old master key still opens what was not rewrapped; the next start tries again.
            LogFailed(log, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rewrapped {Count} customer data keys under the active master key")]
    private static partial void LogRewrapped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resealed {Count} webhook secrets under the active master key")]
    private static partial void LogSecretsResealed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} webhook secrets do not open with their master key (changed, or moved from another endpoint); they were left as they are and their endpoints get no deliveries")]
    private static partial void LogSecretsUnreadable(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rewrapping under the active master key failed; it is tried again at the next start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
