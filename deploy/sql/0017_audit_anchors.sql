-- Audit entries past Retention:Audit are deleted by the retention sweep (never a customer's newest one, which the next
-- entry links to). The kept trail then begins after the removed ones: the anchor records the last removed entry's
-- sequence and hash, which the first kept entry links to, so the chain is still checked from its first link.
CREATE TABLE audit_anchors
(
    customer_id text        PRIMARY KEY,
    sequence    bigint      NOT NULL,
    hash        bytea       NOT NULL,
    anchored_at timestamptz NOT NULL
);
