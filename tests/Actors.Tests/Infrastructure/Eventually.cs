namespace Actors.Tests.Infrastructure;

/// <summary>
/// Polls for something that happens in the background (a reminder, a failover) with a deadline, not a fixed
/// sleep. A read that fails (the cluster is still noticing a dead silo) counts as "not yet".
/// </summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        object? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var value = await read();
                if (done(value))
                {
                    return value;
                }
                last = value;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                last = exception.GetType().Name + ": " + exception.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Still not there after {limit}; last seen: {last}");
    }
}
