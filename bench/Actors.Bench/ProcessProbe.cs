using System.Diagnostics;

namespace Actors.Bench;

/// <summary>Working set and CPU time of a process by id, read from the OS; nothing when there is no such process.</summary>
internal sealed class ProcessProbe(int? pid)
{
    public ProcessSample? Sample()
    {
        if (pid is not { } id)
        {
            return null;
        }
        try
        {
            using var process = Process.GetProcessById(id);
            return new ProcessSample(process.WorkingSet64, process.TotalProcessorTime, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}

internal readonly record struct ProcessSample(long WorkingSet, TimeSpan Cpu, long Timestamp)
{
    public double WorkingSetMb => WorkingSet / 1024.0 / 1024.0;

    /// <summary>Cores busy on average between two samples.</summary>
    public static double Cores(ProcessSample before, ProcessSample after) =>
        (after.Cpu - before.Cpu).TotalSeconds / Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
}
