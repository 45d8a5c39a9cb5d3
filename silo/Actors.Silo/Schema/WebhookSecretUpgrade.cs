using Actors.Grains.Privacy;
using Actors.Grains.Webhooks;
using Npgsql;

namespace Actors.Silo.Schema;

/// <summary>
/// The step after script 0019: seals every webhook secret that is still plaintext into the sealed columns 0019 added,
/// before 0020 drops the plaintext column. It runs in the migrator's transaction, so a failure leaves the database as it
/// was before 0019, plaintext included: nothing is lost.
/// </summary>
public static class WebhookSecretUpgrade
{
    public const int Version = 19;

    public static async Task SealPlaintext(NpgsqlConnection connection, MasterKeyRing? masterKeys, CancellationToken cancellationToken)
    {
        var plaintext = new List<(string EndpointId, string Secret)>();
        await using (var select = new NpgsqlCommand("SELECT id, secret FROM webhook_endpoints WHERE secret_sealed IS NULL ORDER BY id", connection))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plaintext.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        if (plaintext.Count == 0)
        {
            return;
        }
        if (masterKeys is null)
        {
            throw new InvalidOperationException(
                $"{plaintext.Count} webhook secrets are stored in plaintext and must be sealed: run the migration with the {PrivacySettings.Section} keys " +
                $"({PrivacySettings.Section}:MasterKeys, {PrivacySettings.Section}:ActiveMasterKey, {PrivacySettings.Section}:IdentifierKey) configured, as the silos have them.");
        }
        var secrets = new WebhookSecrets(masterKeys);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (endpointId, secret) in plaintext)
        {
            var sealedSecret = secrets.Seal(endpointId, secret);
            var update = new NpgsqlBatchCommand("UPDATE webhook_endpoints SET secret_key_id = $2, secret_sealed = $3 WHERE id = $1");
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sealedSecret.MasterKeyId });
            update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sealedSecret.Sealed });
            batch.BatchCommands.Add(update);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
