using System.Data.Common;

namespace Actors.Grains.Hosting;

/// <summary>
/// A grain call failed because PostgreSQL could not be reached or refused the work (restarting, failing over, out of
/// connections); nothing of the call was kept. The silo throws it in place of the driver's own exception, which does
/// not cross a grain boundary; the API answers 503 + Retry-After.
/// </summary>
[GenerateSerializer, Alias("database-unavailable-exception")]
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException()
        : base("The database is unavailable; retry shortly.")
    {
    }

    public DatabaseUnavailableException(string message)
        : base(message)
    {
    }

    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The database failure (a driver's <see cref="DbException"/>, however deeply wrapped) behind <paramref name="exception"/>, if any.</summary>
    public static DbException? CauseOf(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DatabaseUnavailableException:
                    return null;
                case DbException database:
                    return database;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Select(CauseOf).FirstOrDefault(found => found is not null);
            }
        }
        return null;
    }
}
