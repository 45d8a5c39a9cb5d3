using System.Diagnostics;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// One of the project's hosts (a silo or an API node) as a process of its own, from its own build output, configured
/// through environment variables with the same keys as every host: what an operator runs, kills and scrapes.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string name;

    private HostProcess(Process process, string name)
    {
        this.process = process;
        this.name = name;
    }

    public bool HasExited => process.HasExited;

    /// <param name="project">The host's project folder under the repository root, e.g. <c>silo/Actors.Silo</c>.</param>
    /// <param name="ready">The URL that answers 2xx once the host serves.</param>
    public static async Task<HostProcess> Start(string project, IReadOnlyDictionary<string, string?> settings, Uri ready)
    {
        var name = Path.GetFileName(project);
        var start = new ProcessStartInfo("dotnet", $"{name}.dll")
        {
            WorkingDirectory = Path.Combine(RepositoryRoot.Path, project, "bin", BuildConfiguration, "net10.0"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        // Drain its output so a chatty host never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, name);
        await host.WaitUntilReady(ready);
        return host;
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM: the graceful stop an orchestrator asks for.</summary>
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

    private async Task WaitUntilReady(Uri ready)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Get(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready.");
            }
            return (await http.GetAsync(ready)).IsSuccessStatusCode;
        }, isReady => isReady, TimeSpan.FromSeconds(60));
    }

    /// <summary>The configuration the tests were built in, so the host runs the same build as the code under test.</summary>
    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
