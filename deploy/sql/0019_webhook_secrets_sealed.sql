-- Webhook signing secrets sealed at rest: AES-GCM under a master key of the Privacy key ring, bound to the endpoint id,
-- with the master key's id beside it (a rotation reseals them, see the README). SQL cannot seal (the keys never reach
-- the database): right after this script, in the same transaction, the migrator seals every existing plaintext
-- secret into these columns; 0020 then drops the plaintext column.

ALTER TABLE webhook_endpoints
    ADD COLUMN secret_key_id text,                    -- the Privacy:MasterKeys id that sealed secret_sealed
    ADD COLUMN secret_sealed bytea;                   -- version | nonce | tag | ciphertext of the secret
