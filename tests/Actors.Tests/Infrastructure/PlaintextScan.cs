using System.Text;
using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>Searches a whole database for values that must never be stored in the clear.</summary>
public static class PlaintextScan
{
    /// <summary>
    /// Every text, bytea and JSON column of every table (found in <c>information_schema</c>) searched for each needle: as
    /// text case-insensitively, as UTF-8 bytes in its written, lower and upper case. Returns <c>table.column: needle</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> Findings(string connectionString, IReadOnlyList<string> needles)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        Assert.Contains(columns, column => column is ("customer_events", "payload", "bytea"));
        Assert.Contains(columns, column => column.Table == "orleansstorage");

        var findings = new List<string>();
        foreach (var (table, column, type) in columns)
        {
            foreach (var needle in needles)
            {
                var sql = type == "bytea"
                    ? $"SELECT count(*) FROM \"{table}\" WHERE position(@a IN \"{column}\") > 0 OR position(@b IN \"{column}\") > 0 OR position(@c IN \"{column}\") > 0"
                    : $"SELECT count(*) FROM \"{table}\" WHERE strpos(lower(\"{column}\"::text), lower(@text)) > 0";
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("text", needle);
                command.Parameters.AddWithValue("a", Encoding.UTF8.GetBytes(needle));
                command.Parameters.AddWithValue("b", Encoding.UTF8.GetBytes(needle.ToLowerInvariant()));
                command.Parameters.AddWithValue("c", Encoding.UTF8.GetBytes(needle.ToUpperInvariant()));
                if ((long)(await command.ExecuteScalarAsync())! > 0)
                {
                    findings.Add($"{table}.{column}: {needle}");
                }
            }
        }
        return findings;
    }
}
