using System.Diagnostics;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A silo running as its own process, from the silo's own build output, with the same configuration keys as every
/// host: what a crash test kills with SIGKILL (no graceful stop, no deactivation, no last write).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;

    private SiloProcess(Process process, int siloPort, int httpPort)
    {
        this.process = process;
        SiloPort = siloPort;
        HttpPort = httpPort;
    }

    /// <summary>The silo-to-silo port: <c>SiloAddress.Endpoint.Port</c> of this silo.</summary>
    public int SiloPort { get; }

    public int HttpPort { get; }

    public bool HasExited => process.HasExited;

    /// <param name="settings">Extra configuration (keys with ':'), e.g. a longer gateway timeout.</param>
    public static async Task<SiloProcess> Start(string connectionString, string clusterId, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (siloPort, gatewayPort, httpPort) = (Hosts.FreePort(), Hosts.FreePort(), Hosts.FreePort());
        var folder = Path.Combine(RepositoryRoot.Path, "silo", "Actors.Silo", "bin", BuildConfiguration, "net10.0");
        var start = new ProcessStartInfo("dotnet", "Actors.Silo.dll")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var values = Hosts.Settings(connectionString, clusterId);
        values["Orleans:SiloPort"] = siloPort.ToString();
        values["Orleans:GatewayPort"] = gatewayPort.ToString();
        values["Orleans:AdvertisedIP"] = "127.0.0.1";
        // Failure detection is the production one (Actors.Silo.Hosting.FailureDetection): what the fault tests measure.
        values["Urls"] = $"http://127.0.0.1:{httpPort}";
        values["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        foreach (var (key, value) in values)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The silo did not start.");
        // Drain its output so a chatty silo never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, siloPort, httpPort);
        await silo.WaitUntilReady();
        return silo;
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM: the graceful stop an orchestrator asks for; the silo drains, deactivates its grains and leaves.</summary>
    public async Task Stop(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(within);
        await process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
        }
        process.Dispose();
        await Task.CompletedTask;
    }

    private async Task WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Get(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {process.ExitCode} before it was ready.");
            }
            return (await http.GetAsync($"http://127.0.0.1:{HttpPort}/health/ready")).IsSuccessStatusCode;
        }, ready => ready, TimeSpan.FromSeconds(60));
    }

    /// <summary>The configuration the tests were built in, so the silo runs the same build as the code under test.</summary>
    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
