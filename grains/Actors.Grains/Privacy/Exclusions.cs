using Npgsql;

namespace Actors.Grains.Privacy;

/// <summary>
/// The self-exclusions that outlive an erased customer, in <c>exclusions</c>: only the identity grain key (the keyed
/// hash of <see cref="IdentityKeys"/>) of each email, phone and loyalty card they held, and until when. Nothing in a
/// row names the person, and it cannot be read back into an identifier without the identifier key.
/// </summary>
public sealed class Exclusions(NpgsqlDataSource database)
{
    // A longer exclusion already kept for an identifier stays: an exclusion is only ever extended.
    private const string Upsert = """
        INSERT INTO exclusions (identifier_key, until) SELECT unnest($1::text[]), $2
        ON CONFLICT (identifier_key) DO UPDATE SET until = greatest(exclusions.until, excluded.until)
        """;

    private const string Latest = "SELECT max(until) FROM exclusions WHERE identifier_key = ANY($1) AND until > $2";

    /// <summary>Keeps the exclusion until <paramref name="until"/> for each of <paramref name="identityKeys"/>; again is harmless.</summary>
    public async Task Keep(IReadOnlyList<string> identityKeys, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (identityKeys.Count == 0)
        {
            return;
        }
        await using var command = database.CreateCommand(Upsert);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. identityKeys] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Until when the longest exclusion kept for any of <paramref name="identityKeys"/> lasts; null when none is in force.</summary>
    public async Task<DateTimeOffset?> Until(IReadOnlyList<string> identityKeys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (identityKeys.Count == 0)
        {
            return null;
        }
        await using var command = database.CreateCommand(Latest);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. identityKeys] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime until ? new DateTimeOffset(until, TimeSpan.Zero) : null;
    }
}
