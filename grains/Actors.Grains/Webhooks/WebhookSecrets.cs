using System.Text;
using Actors.Grains.Privacy;
using Npgsql;

namespace Actors.Grains.Webhooks;

/// <summary>An endpoint's signing secret as <c>webhook_endpoints</c> keeps it: sealed, and the id of the master key that sealed it.</summary>
public sealed record SealedWebhookSecret(string MasterKeyId, byte[] Sealed);

/// <summary>
/// Webhook signing secrets at rest: sealed by the master key ring for their endpoint (the endpoint id is part of the
/// associated data, so a secret copied to another endpoint's row does not open), and opened only in memory, by the
/// API as it registers and by the silo as it signs.
/// </summary>
public sealed class WebhookSecrets(MasterKeyRing masterKeys)
{
    public SealedWebhookSecret Seal(string endpointId, string secret) =>
        new(masterKeys.ActiveId, masterKeys.Seal(MasterKeyRing.WebhookSecretPurpose, endpointId, Encoding.UTF8.GetBytes(secret)));

    /// <exception cref="InvalidDataException">
    /// It does not open: changed, sealed for another endpoint, or under a master key no longer configured.
    /// </exception>
    public string Open(string endpointId, SealedWebhookSecret secret) =>
        Encoding.UTF8.GetString(masterKeys.Open(MasterKeyRing.WebhookSecretPurpose, endpointId, secret.MasterKeyId, secret.Sealed));

    /// <summary>
    /// Reseals with the active master key every secret still under an older one (a master key rotation), a page at a time,
    /// deleted endpoints' included, so no row needs the old key any more. A row that does not open is left as it is and
    /// counted (it cannot sign anything either). Safe in several processes at once: a row is only replaced if it still
    /// holds what was read.
    /// </summary>
    public async Task<(int Resealed, int Unreadable)> Rewrap(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var (resealed, unreadable, after) = (0, 0, "");
        while (true)
        {
            var page = new List<(string EndpointId, SealedWebhookSecret Secret)>();
            await using (var select = database.CreateCommand(
                """
                SELECT id, secret_key_id, secret_sealed FROM webhook_endpoints
                WHERE secret_key_id <> $1 AND secret_key_id = ANY($2) AND id > $3 ORDER BY id LIMIT 500
                """))
            {
                select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = masterKeys.ActiveId });
                select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = masterKeys.Ids });
                select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add((reader.GetString(0), new SealedWebhookSecret(reader.GetString(1), reader.GetFieldValue<byte[]>(2))));
                }
            }
            if (page.Count == 0)
            {
                return (resealed, unreadable);
            }
            after = page[^1].EndpointId;
            await using var batch = database.CreateBatch();
            foreach (var (endpointId, secret) in page)
            {
                string plaintext;
                try
                {
                    plaintext = Open(endpointId, secret);
                }
                catch (InvalidDataException)
                {
                    unreadable++;
                    continue;
                }
                var next = Seal(endpointId, plaintext);
                var update = new NpgsqlBatchCommand(
                    "UPDATE webhook_endpoints SET secret_key_id = $2, secret_sealed = $3 WHERE id = $1 AND secret_key_id = $4 AND secret_sealed = $5");
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.MasterKeyId });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = next.Sealed });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret.MasterKeyId });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = secret.Sealed });
                batch.BatchCommands.Add(update);
            }
            if (batch.BatchCommands.Count > 0)
            {
                resealed += await batch.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
