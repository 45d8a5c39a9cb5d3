using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Actors.Grains.Privacy;
using Npgsql;

namespace Actors.Silo.Schema;

/// <summary>A numbered SQL script from <c>deploy/sql</c>, embedded in the silo.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// Applies the numbered scripts that a database has not seen yet, each recorded in <c>schema_migrations</c>.
/// All of it runs in one transaction behind a transaction-scoped advisory lock, so two processes starting
/// together apply each script once: the second waits, then finds nothing left to do. What SQL cannot do (sealing with
/// the master keys, which never reach the database) runs right after its script, in the same transaction.
/// </summary>
/// <param name="masterKeys">The <c>Privacy</c> master keys; needed only when a step has something to seal.</param>
public sealed partial class SchemaMigrator(string connectionString, MasterKeyRing? masterKeys = null)
{
    // Any fixed number serves; it only has to be the same in every process that migrates this database.
    private const long AdvisoryLockKey = 0x4163746f7273;

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>Applies what is missing and returns the names of the scripts it applied (none on a second run).</summary>
    public Task<IReadOnlyList<string>> Apply(CancellationToken cancellationToken = default) => Apply(int.MaxValue, cancellationToken);

    /// <summary>Applies what is missing up to and including script <paramref name="throughVersion"/>: an upgrade in steps.</summary>
    public async Task<IReadOnlyList<string>> Apply(int throughVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await Execute(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = await ReadApplied(connection, cancellationToken);
        var newlyApplied = new List<string>();
        foreach (var migration in Embedded.Where(migration => migration.Version <= throughVersion))
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Schema script {migration.Name} changed after it was applied; add a new numbered script instead.");
                }
                continue;
            }

            await Execute(connection, migration.Sql, cancellationToken);
            if (migration.Version == WebhookSecretUpgrade.Version)
            {
                await WebhookSecretUpgrade.SealPlaintext(connection, masterKeys, cancellationToken);
            }
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection);
            record.Parameters.Add(new() { Value = migration.Version });
            record.Parameters.Add(new() { Value = migration.Name });
            record.Parameters.Add(new() { Value = migration.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken);
            newlyApplied.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        return newlyApplied;
    }

    private static async Task<Dictionary<int, string>> ReadApplied(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }
        return applied;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two schema scripts share number {duplicate.Key}.");
        }
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"^sql/(?<name>(?<version>[0-9]{4})_[a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();
}
