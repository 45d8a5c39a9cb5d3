using Actors.Grains.Hosting;

namespace Actors.Silo.Hosting;

/// <summary>
/// Every grain call that ends in a database failure (Npgsql's exceptions, however deeply wrapped) ends in
/// <see cref="DatabaseUnavailableException"/> instead: the driver's exceptions cannot be serialized back to the caller,
/// which would otherwise see a codec error and answer 500.
/// </summary>
public sealed partial class DatabaseFaults(ILogger<DatabaseFaults> log) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (DatabaseUnavailableException.CauseOf(exception) is { } failure)
        {
            LogDatabaseFailure(log, context.InterfaceMethod?.Name ?? "?", failure.GetType().Name, failure.Message);
            // Not the driver's exception as the inner one: it is what cannot cross the boundary.
            throw new DatabaseUnavailableException();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed on the database, answered as unavailable: {ExceptionType}: {Reason}")]
    private static partial void LogDatabaseFailure(ILogger logger, string method, string exceptionType, string reason);
}
