-- Erasure by crypto-shredding (DELETE /v1/customers/{id}). Destroying a customer's row in customer_keys makes their
-- sealed journal payloads, snapshots and descriptions unreadable wherever a copy of them lives, backups included, but
-- only for as long as no copy of customer_keys outlives that row: back customer_keys up separately from the data, with
-- a retention no longer than the erasure deadline (or not at all), or a restored key opens the restored data again.
-- (0011 says "backups included" without that condition; it cannot be edited once applied, so this comment and the
-- table comment below say it.)
COMMENT ON TABLE customer_keys IS
    'One wrapped data key per customer; deleting a row crypto-shreds that customer, in backups too only if this table''s backups are kept apart and expire sooner than the data''s.';

-- One row per erased customer, written in the transaction that deletes their key: a journal with a tombstone loads
-- as erased without opening anything, and no key is ever made for the id again (so no later write can seal anew).
CREATE TABLE erased_customers
(
    customer_id text        PRIMARY KEY,
    erased_at   timestamptz NOT NULL
);

-- What survives the erasure of a self-excluded customer: only the keyed hash (the identity grain key, e.g.
-- email:7k2…) of each email, phone and loyalty card they held, and until when. A new customer who claims one of
-- them is self-excluded until then.
CREATE TABLE exclusions
(
    identifier_key text        PRIMARY KEY,
    until          timestamptz NOT NULL
);
