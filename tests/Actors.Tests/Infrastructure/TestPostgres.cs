using System.Diagnostics;
using Actors.Silo.Schema;
using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run: the server named by <c>ACTORS_TEST_POSTGRES</c>, or a
/// throwaway cluster started by <c>deploy/local-postgres.sh</c> in the repository's <c>.local/</c> folder and
/// removed when the test process ends. Each fixture gets a fresh database of its own on it.
/// </summary>
public sealed class TestPostgres
{
    private static readonly Lazy<TestPostgres> Shared = new(Start);

    private readonly string serverConnectionString;

    private TestPostgres(string serverConnectionString) => this.serverConnectionString = serverConnectionString;

    public static TestPostgres Instance => Shared.Value;

    /// <summary>
    /// A server of the caller's own, which it may stop and start (<see cref="OwnServer"/>) without touching the one the
    /// rest of the suite shares; removed when the test process ends.
    /// </summary>
    public static OwnServer StartOwn()
    {
        var folder = Path.Combine(RepositoryRoot.Path, ".local", $"own-postgres-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        return new OwnServer(folder, new TestPostgres(RunScript("start", folder, "--fast", "--until-exit", Environment.ProcessId.ToString())));
    }

    /// <summary>A server started by <see cref="StartOwn"/>: stopped with <c>pg_ctl -m fast</c>, started again on the same port.</summary>
    public sealed class OwnServer(string folder, TestPostgres server)
    {
        public TestPostgres Server { get; } = server;

        public void Stop() => RunScript("stop", folder);

        public void Start() => RunScript("start", folder, "--fast");
    }

    /// <summary>A new, empty database; with <paramref name="migrate"/>, the project's schema applied.</summary>
    public async Task<string> CreateDatabase(bool migrate = true)
    {
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        if (migrate)
        {
            await new SchemaMigrator(connectionString).Apply();
        }
        return connectionString;
    }

    private static TestPostgres Start()
    {
        if (Environment.GetEnvironmentVariable("ACTORS_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return new TestPostgres(given);
        }

        // The script's watcher stops and deletes the cluster once this process ends, even if it crashes.
        var folder = Path.Combine(RepositoryRoot.Path, ".local", $"test-postgres-{Environment.ProcessId}");
        return new TestPostgres(RunScript("start", folder, "--fast", "--until-exit", Environment.ProcessId.ToString()));
    }

    private static string RunScript(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "deploy", "local-postgres.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"local-postgres.sh {string.Join(' ', arguments)} failed: {error.Result}");
        }
        return output.Result.Trim();
    }
}

public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Actors.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("Actors.sln not found above the test binaries.");
    }
}
