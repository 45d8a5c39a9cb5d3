using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Actors.Grains.Hosting;
using Actors.Grains.Payments;
using Actors.Silo.Hosting;
using Npgsql;

namespace Actors.Silo.Journal;

/// <summary>
/// Group commit: one per silo, it collects the appends of every customer and writes whatever has queued up as one
/// batch in one transaction (one round trip). While a batch is being committed the next one fills, so batches grow
/// with load by themselves and an idle silo commits each append at once. An append completes only after COMMIT.
/// </summary>
public sealed partial class JournalAppender : IAsyncDisposable
{
    /// <summary>At most this many appends share a commit, so one batch never holds the connection for long.</summary>
    public const int MaxBatch = 512;

    private static readonly ActivitySource Tracing = new(Telemetry.SourceName);

    private readonly SiloDatabase database;
    private readonly ILogger<JournalAppender> log;
    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new() { SingleReader = true });
    private readonly Task flushing;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> commitDuration;

    public JournalAppender(SiloDatabase database, IMeterFactory meters, ILogger<JournalAppender> log)
    {
        this.database = database;
        this.log = log;
        var meter = meters.Create(PaymentMetrics.MeterName);
        batchSize = meter.CreateHistogram<int>("actors.journal.batch.size", "{append}", "Customer appends committed together.");
        commitDuration = meter.CreateHistogram<double>("actors.journal.commit.duration", "s", "Time to write and commit one batch of appends.");
        flushing = Task.Run(Flush);
    }

    /// <summary>
    /// Queues <paramref name="command"/> (one customer's append; it answers one row with one boolean: appended or not)
    /// and completes when its batch has committed: true when appended, false when another writer had the sequence.
    /// </summary>
    public Task<bool> Append(string customerId, NpgsqlBatchCommand command)
    {
        var pending = new PendingAppend(customerId, command, new(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context ?? default);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(JournalAppender), "The silo is shutting down; the journal takes no more appends.");
        }
        return pending.Appended.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await flushing;
    }

    private async Task Flush()
    {
        // The loop belongs to no request: each batch's span names the requests it served (see Commit).
        Activity.Current = null;
        var batch = new List<PendingAppend>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            await Commit(batch);
            batch.Clear();
        }
    }

    private async Task Commit(List<PendingAppend> batch)
    {
        // Rows are locked in customer order, so two silos' batches (briefly holding one customer twice) never deadlock.
        var ordered = batch.OrderBy(pending => pending.CustomerId, StringComparer.Ordinal).ToList();
        using var span = StartSpan(ordered);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            // No explicit transaction: a batch is one implicit transaction, committed at its end, all or nothing.
            await using var commands = new NpgsqlBatch(connection);
            foreach (var pending in ordered)
            {
                commands.BatchCommands.Add(pending.Command);
            }
            var appended = new bool[ordered.Count];
            await using (var reader = await commands.ExecuteReaderAsync())
            {
                for (var i = 0; i < ordered.Count; i++)
                {
                    await reader.ReadAsync();
                    appended[i] = reader.GetBoolean(0);
                    await reader.NextResultAsync();
                }
            }
            commitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            batchSize.Record(ordered.Count);
            for (var i = 0; i < ordered.Count; i++)
            {
                ordered[i].Appended.TrySetResult(appended[i]);
            }
        }
        catch (Exception exception)
        {
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            LogBatchFailed(log, ordered.Count, exception);
            foreach (var pending in ordered)
            {
                pending.Appended.TrySetException(exception);
            }
        }
    }

    /// <summary>
    /// One span per commit, a child of the first append's trace (so a lone request's trace reaches PostgreSQL) and
    /// linked to every other append's, since a batch serves many requests at once.
    /// </summary>
    private static Activity? StartSpan(List<PendingAppend> batch)
    {
        if (!Tracing.HasListeners())
        {
            return null;
        }
        var traced = batch.Where(pending => pending.Trace != default).Select(pending => pending.Trace).ToList();
        var span = Tracing.StartActivity("journal commit", ActivityKind.Internal, traced.FirstOrDefault(),
            links: traced.Skip(1).Select(trace => new ActivityLink(trace)));
        span?.SetTag("actors.journal.batch.size", batch.Count);
        return span;
    }

    private sealed record PendingAppend(string CustomerId, NpgsqlBatchCommand Command, TaskCompletionSource<bool> Appended, ActivityContext Trace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A journal batch of {Count} appends failed; none of them was written")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
