using Actors.Grains.Privacy;

namespace Actors.Silo.Privacy;

/// <summary>
/// Master key rotation: once a silo starts with a new <c>Privacy:ActiveMasterKey</c>, it rewraps every customer's data
/// key still under an older master key, in the background (sealed data is untouched: the data keys stay the same).
/// When no row names the old id any more, it can be removed from <c>Privacy:MasterKeys</c>.
/// </summary>
public sealed partial class DataKeyRewrap(CustomerKeys keys, ILogger<DataKeyRewrap> log) : BackgroundService
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Rewrapping customer data keys under the active master key failed; it is tried again at the next start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
