namespace Actors.Bench;

internal static class Samples
{
    /// <summary>Sorts the samples in place and names the usual percentiles.</summary>
    public static string Percentiles(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return "no samples";
        }
        samples.Sort();
        double At(double p) => samples[Math.Min(samples.Count - 1, (int)(p * samples.Count))];
        return $"p50 {At(0.50):0.0}  p90 {At(0.90):0.0}  p99 {At(0.99):0.0}  max {samples[^1]:0.0}";
    }
}
