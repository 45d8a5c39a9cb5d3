namespace Actors.Bench;

/// <summary>The figures of one live run, from the ledger and every connection's counts.</summary>
internal sealed class LiveReport(
    LiveOptions options, LiveWatcher[] watchers, LiveLedger ledger, TimeSpan elapsed, long cartMessages, TimeSpan drained)
{
    public void Print(ProcessSample? apiBefore, ProcessSample? apiAfter, ProcessSample? benchBefore, ProcessSample? benchAfter)
    {
        var seconds = elapsed.TotalSeconds;
        var received = watchers.Sum(w => (long)w.Received);
        var expected = ledger.ExpectedDeliveries;
        var latencies = watchers.SelectMany(w => w.Latencies()).ToList();
        var drive = options.Concurrency > 0 ? $"concurrency {options.Concurrency}" : $"rate {options.Rate:0.#}/s";

        Console.WriteLine();
        Console.WriteLine($"connections {options.Connections}, customers {options.Customers}, driver {drive}, measured {seconds:0.0} s");
        Console.WriteLine($"cart changes: {ledger.Changes} ({ledger.Changes / seconds:0.0} /s), skipped (all customers busy) {ledger.Skipped}"
            + string.Concat(ledger.Failures.Select(f => $", failed {f.Value} ({f.Key})")));
        Console.WriteLine($"cart change request ms: {Samples.Percentiles(ledger.RequestLatencies())}");
        Console.WriteLine($"deliveries: {cartMessages / seconds:0} /s received while measuring; of the measured changes "
            + $"expected {expected}, received {received}, missed {expected - received} (waited {drained.TotalSeconds:0.0} s after the driver stopped)");
        Console.WriteLine($"delivery latency ms (request sent -> CartChanged on a connection): {Samples.Percentiles(latencies)}");
        Console.WriteLine($"sequence rule: gaps {watchers.Sum(w => w.Gaps)}, stale {watchers.Sum(w => w.Stale)}, "
            + $"resyncs {watchers.Sum(w => w.Resyncs)}; unexpected CartChanged {watchers.Sum(w => w.Unexpected)}, "
            + $"other events {watchers.Sum(w => w.OtherMessages)}; closed by the server {watchers.Count(w => w.ClosedByServer)}");
        if (apiBefore is { } a0 && apiAfter is { } a1)
        {
            Console.WriteLine($"API process: working set {a1.WorkingSetMb:0} MB, CPU {ProcessSample.Cores(a0, a1):0.00} cores while measuring");
        }
        if (benchBefore is { } b0 && benchAfter is { } b1)
        {
            Console.WriteLine($"bench process: working set {b1.WorkingSetMb:0} MB, CPU {ProcessSample.Cores(b0, b1):0.00} cores while measuring");
        }
    }
}
