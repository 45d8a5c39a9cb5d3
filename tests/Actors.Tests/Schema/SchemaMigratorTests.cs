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
