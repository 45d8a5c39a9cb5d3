-- The plaintext webhook secrets are gone: every endpoint's secret is sealed (0019 and the migrator's step after it).

ALTER TABLE webhook_endpoints
    DROP COLUMN secret,
    ALTER COLUMN secret_key_id SET NOT NULL,
    ALTER COLUMN secret_sealed SET NOT NULL;

-- A dropped column's values stay in the table's pages, and so do the row versions the sealing replaced: rewriting the
-- table keeps only NULL for the dropped column, in every row version it copies. (Backups and WAL from before still
-- hold the plaintext: see the README on upgrading.)
CLUSTER webhook_endpoints USING webhook_endpoints_pkey;
ALTER TABLE webhook_endpoints SET WITHOUT CLUSTER;
