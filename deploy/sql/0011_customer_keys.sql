-- Envelope encryption of what can hold personal data: every journal payload, every snapshot and the ledger's free-text
-- description are sealed (AES-GCM) with their customer's data key. A data key is 32 random bytes, stored only wrapped
-- by a master key from configuration, one row per customer: deleting a customer's row makes every copy of their
-- sealed data unreadable, backups included (crypto-shredding). master_key_id says which master key wraps it, so keys
-- can be rewrapped to a new master key row by row.

CREATE TABLE customer_keys
(
    customer_id   text        PRIMARY KEY,
    master_key_id text        NOT NULL,
    wrapped_key   bytea       NOT NULL,
    created_at    timestamptz NOT NULL
);

-- Rewrapping finds the keys still under an older master key.
CREATE INDEX ix_customer_keys_master_key_id ON customer_keys (master_key_id);

-- The description is sealed now: bytes, not text. Rows written before this script held it (and their payloads) in the
-- clear; this version cannot open them: such a database is started afresh (see the README).
ALTER TABLE customer_events ALTER COLUMN description TYPE bytea USING convert_to(description, 'UTF8');
