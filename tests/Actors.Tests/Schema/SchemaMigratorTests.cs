using Actors.Grains.Webhooks;
using Actors.Silo.Schema;
using Actors.Tests.Infrastructure;
using Npgsql;

namespace Actors.Tests.Schema;

public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task The_first_run_applies_every_script_in_order_and_a_second_run_changes_nothing()
    {
        var database = await TestPostgres.Instance.CreateDatabase(migrate: false);
        var migrator = new SchemaMigrator(database);

        var first = await migrator.Apply();
        var schemaAfterFirst = await DescribeSchema(database);
        var second = await migrator.Apply();

        Assert.Equal(SchemaMigrator.Embedded.Select(m => m.Name), first);
        Assert.Empty(second);
        Assert.Equal(schemaAfterFirst, await DescribeSchema(database));
    }

    [Fact]
    public async Task The_schema_holds_what_the_Orleans_providers_read()
    {
        var database = await TestPostgres.Instance.CreateDatabase();

        var queries = await Strings(database, "SELECT querykey FROM orleansquery");

        Assert.Superset(new HashSet<string>
        {
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        }, queries.ToHashSet());
    }

    [Fact]
    public async Task Two_migrators_racing_on_a_new_database_apply_each_script_once()
    {
        var database = await TestPostgres.Instance.CreateDatabase(migrate: false);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new SchemaMigrator(database).Apply())));

        Assert.Equal(SchemaMigrator.Embedded.Select(m => m.Name), results.SelectMany(applied => applied).Order());
        Assert.Equal(SchemaMigrator.Embedded.Count, (await Strings(database, "SELECT name FROM schema_migrations")).Count);
    }

    [Fact]
    public async Task A_script_edited_after_it_was_applied_stops_the_migrator()
    {
        var database = await TestPostgres.Instance.CreateDatabase();
        await Strings(database, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1 RETURNING name");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new SchemaMigrator(database).Apply());

        Assert.Contains(SchemaMigrator.Embedded[0].Name, error.Message);
    }

    [Fact]
    public async Task An_upgrade_seals_the_webhook_secrets_it_finds_in_plaintext_for_their_endpoints_and_keeps_none_in_the_clear()
    {
        var database = await TestPostgres.Instance.CreateDatabase(migrate: false);
        await new SchemaMigrator(database).Apply(WebhookSecretUpgrade.Version - 1);
        var secrets = new[] { ("we_upgrade_live", "plaintext-secret-" + Guid.NewGuid().ToString("N")), ("we_upgrade_deleted", WebhookRegistration.NewSecret()) };
        foreach (var (id, secret) in secrets)
        {
            await PlaintextEndpoint(database, id, secret);
        }
        await new StoredData(database).Execute("UPDATE webhook_endpoints SET deleted_at = now() WHERE id = 'we_upgrade_deleted'");

        var applied = await new SchemaMigrator(database, PrivacyTestSettings.MasterKeys).Apply();

        Assert.Equal(SchemaMigrator.Embedded.Where(m => m.Version >= WebhookSecretUpgrade.Version).Select(m => m.Name), applied);
        Assert.DoesNotContain(await DescribeSchema(database), line => line.StartsWith("webhook_endpoints.secret:", StringComparison.Ordinal));
        var opener = new WebhookSecrets(PrivacyTestSettings.MasterKeys);
        foreach (var (id, secret) in secrets)
        {
            Assert.Equal(secret, opener.Open(id, await SealedSecretOf(database, id)));
        }
        // Bound to its endpoint: the one's sealed secret does not open as the other's.
        var live = await SealedSecretOf(database, "we_upgrade_live");
        Assert.Throws<InvalidDataException>(() => opener.Open("we_upgrade_deleted", live));
        Assert.Empty(await PlaintextScan.Findings(database, [.. secrets.Select(entry => entry.Item2)]));
    }

    [Fact]
    public async Task An_upgrade_without_the_master_keys_refuses_while_plaintext_secrets_remain_and_changes_nothing()
    {
        var database = await TestPostgres.Instance.CreateDatabase(migrate: false);
        await new SchemaMigrator(database).Apply(WebhookSecretUpgrade.Version - 1);
        var secret = WebhookRegistration.NewSecret();
        await PlaintextEndpoint(database, "we_upgrade_keyless", secret);
        var before = await DescribeSchema(database);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new SchemaMigrator(database).Apply());

        Assert.Contains("Privacy:MasterKeys", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DescribeSchema(database));
        Assert.Equal(secret, await new StoredData(database).Query<string>("SELECT secret FROM webhook_endpoints WHERE id = 'we_upgrade_keyless'"));
    }

    /// <summary>An endpoint as the API stored it before 0019: its secret in plaintext.</summary>
    private static async Task PlaintextEndpoint(string database, string id, string secret) =>
        Assert.Equal(1, await new StoredData(database).Execute("""
            INSERT INTO webhook_endpoints (id, url, events, journal_types, secret, created_at)
            VALUES (@id, 'https://shop.example/hooks/' || @id, ARRAY['consent.changed'], ARRAY['consent-recorded-v1'], @secret, now())
            """, ("id", id), ("secret", secret)));

    private static async Task<SealedWebhookSecret> SealedSecretOf(string database, string id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT secret_key_id, secret_sealed FROM webhook_endpoints WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new SealedWebhookSecret(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>Tables, columns, indexes, functions and provider queries: everything a migration could change.</summary>
    private static async Task<List<string>> DescribeSchema(string database) =>
    [
        .. await Strings(database, """
            SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable
            FROM information_schema.columns WHERE table_schema = 'public'
            """),
        .. await Strings(database, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"),
        .. await Strings(database, "SELECT routine_name FROM information_schema.routines WHERE routine_schema = 'public'"),
        .. await Strings(database, "SELECT querykey || md5(querytext) FROM orleansquery"),
        .. await Strings(database, "SELECT version || name || checksum FROM schema_migrations"),
    ];

    private static async Task<List<string>> Strings(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        values.Sort(StringComparer.Ordinal);
        return values;
    }
}
