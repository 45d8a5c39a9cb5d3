-- The audit trail: consent, limit, self-exclusion, merge (and, as they are added, erasure and support access) events
-- are the customer's audit entries, hash-chained so that a changed, removed or reordered entry shows. audit_hash is
-- SHA-256 over the previous entry's hash, the customer id, the sequence, the event type, recorded_at and the sealed
-- payload; audit_previous is the hash it links to. Both are written once with the row, in the same insert, and like
-- every journal column never updated: nothing updates or deletes journal rows. Other rows leave both null.
ALTER TABLE customer_events
    ADD COLUMN audit_hash     bytea CHECK (octet_length(audit_hash) = 32),
    ADD COLUMN audit_previous bytea CHECK (octet_length(audit_previous) = 32),
    ADD CONSTRAINT ck_customer_events_audit_link CHECK ((audit_hash IS NULL) = (audit_previous IS NULL));

-- Reading and checking a customer's trail, and finding the head the next entry links to, go through audit rows only.
CREATE INDEX ix_customer_events_audit ON customer_events (customer_id, sequence) WHERE audit_hash IS NOT NULL;
