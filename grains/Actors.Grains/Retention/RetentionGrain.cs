using Actors.Grains.Customers;
using Actors.Grains.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Retention;

/// <summary>
/// The retention sweep of the whole cluster: one grain with one reminder (<see cref="RetentionSettings.SweepEvery"/>)
/// asks the journal which customers hold data past its retention, and has each of them remove it.
/// </summary>
[Alias("retention-grain")]
public interface IRetentionGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary>Registers the sweep's reminder if it is not yet registered (each silo asks at start).</summary>
    [Alias("start")]
    Task Start();

    /// <summary>Sweeps now (or waits for the sweep running) and says what it removed.</summary>
    [Alias("sweep")]
    Task<RetentionSweep> Sweep();
}

/// <summary>One pass of the sweep: customers visited, what they removed, and customers whose removal failed (the next pass retries them).</summary>
[GenerateSerializer, Immutable, Alias("retention-sweep-v1")]
public sealed record RetentionSweep(
    [property: Id(0)] int Customers,
    [property: Id(1)] AgedDataPurge Removed,
    [property: Id(2)] int Failed);

public sealed partial class RetentionGrain(
    ICustomerJournal journal,
    IOptions<RetentionSettings> retentionSettings,
    TimeProvider clock,
    ILogger<RetentionGrain> log) : Grain, IRetentionGrain, IRemindable
{
    private const string SweepReminder = "retention-sweep";

    private readonly RetentionSettings settings = retentionSettings.Value;
    private Task<RetentionSweep>? running;

    public async Task Start()
    {
        // Registering again would push the next sweep back by a period with every silo start.
        if (await this.GetReminder(SweepReminder) is null)
        {
            await this.RegisterOrUpdateReminder(SweepReminder, settings.SweepEvery, settings.SweepEvery);
        }
    }

    /// <summary>Waits for a pass already running (it may have started with older cutoffs), then runs one as of now.</summary>
    public async Task<RetentionSweep> Sweep()
    {
        if (running is { IsCompleted: false } earlier)
        {
            await earlier;
        }
        return await Running();
    }

    /// <summary>The reminder only starts the pass: a long pass must not hold the reminder's call open.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SweepReminder)
        {
            _ = Running();
        }
        return Task.CompletedTask;
    }

    private Task<RetentionSweep> Running()
    {
        if (running is null || running.IsCompleted)
        {
            DelayDeactivation(settings.SweepEvery);
            running = Pass();
        }
        return running;
    }

    private async Task<RetentionSweep> Pass()
    {
        var cutoffs = settings.CutoffsAt(clock.GetUtcNow());
        // The sweep is no device of the customers it visits.
        RequestContext.Clear();
        var (customers, failed, removed, after) = (0, 0, AgedDataPurge.None, "");
        while (true)
        {
            var batch = await journal.CustomersWithAgedData(cutoffs, after, settings.SweepBatch, CancellationToken.None);
            foreach (var customerId in batch)
            {
                try
                {
                    removed = removed.Plus(await GrainFactory.GetGrain<ICustomerGrain>(customerId).RemoveAgedData(cutoffs));
                    customers++;
                }
                catch (Exception exception)
                {
                    failed++;
                    LogCustomerFailed(log, customerId, exception.GetType().Name);
                }
            }
            if (batch.Count < settings.SweepBatch)
            {
                break;
            }
            after = batch[^1];
        }
        LogSwept(log, customers, removed.SightingsDeleted, removed.IdempotencyRecordsDeleted, removed.MoneyEventsAnonymized, failed);
        return new RetentionSweep(customers, removed, failed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep: {Customers} customers, {Sightings} sightings and {Records} idempotency records deleted, {MoneyEvents} money events anonymized, {Failed} failed")]
    private static partial void LogSwept(ILogger logger, int customers, int sightings, int records, int moneyEvents, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention of {CustomerId} failed ({ExceptionType}); the next sweep retries it")]
    private static partial void LogCustomerFailed(ILogger logger, string customerId, string exceptionType);
}
