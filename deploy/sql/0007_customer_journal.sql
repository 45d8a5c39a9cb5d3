-- Every customer's durable truth: an append-only journal of small events, unique on (customer, sequence), and one
-- snapshot per customer so an activation reads the snapshot and only the events after it. The journal is also the
-- payment ledger: money events carry the ledger columns that history, CSV and receipts filter and show, written once
-- with the event and never updated. Nothing updates or deletes journal rows.

-- The ledger was a separate table fed from an outbox; its rows now live in the journal.
DROP TABLE IF EXISTS ledger;

CREATE TABLE customer_events
(
    customer_id        text        NOT NULL,
    sequence           bigint      NOT NULL CHECK (sequence > 0),
    event_type         text        NOT NULL,  -- the event's stable alias, e.g. payment-reserved-v1
    payload            bytea       NOT NULL,  -- the event, Orleans-serialized (version tolerant)
    recorded_at        timestamptz NOT NULL,

    -- Money events only: which payment, and for ledger rows their kind and what history shows.
    payment_id         text,
    ledger_kind        text        CHECK (ledger_kind IN ('authorized', 'succeeded', 'declined', 'refunded', 'released')),
    amount             bigint      CHECK (amount >= 0),
    currency           char(3),
    converted_amount   bigint      CHECK (converted_amount >= 0),
    converted_currency char(3),
    method_brand       text,
    method_last4       text,
    channel            text,
    description        text,
    refund_id          text,

    PRIMARY KEY (customer_id, sequence),
    CONSTRAINT ck_customer_events_ledger_payment CHECK (ledger_kind IS NULL OR payment_id IS NOT NULL),
    -- The reservation anchors a payment in history: it carries everything a payment shows.
    CONSTRAINT ck_customer_events_anchor CHECK (ledger_kind <> 'authorized' OR (amount IS NOT NULL AND currency IS NOT NULL
        AND converted_amount IS NOT NULL AND converted_currency IS NOT NULL AND channel IS NOT NULL AND description IS NOT NULL))
);

-- History pages a customer's payments newest first through their reservations, (recorded_at, payment_id) as the
-- keyset cursor; outcomes, refunds and replays find a payment's events by its id.
CREATE INDEX ix_customer_events_payments ON customer_events (customer_id, recorded_at DESC, payment_id DESC)
    WHERE ledger_kind = 'authorized';
CREATE INDEX ix_customer_events_payment ON customer_events (customer_id, payment_id, sequence)
    WHERE payment_id IS NOT NULL;

CREATE TABLE customer_snapshots
(
    customer_id text        PRIMARY KEY,
    sequence    bigint      NOT NULL CHECK (sequence > 0),  -- the last event the snapshot includes
    payload     bytea       NOT NULL,                       -- the customer state, Orleans-serialized
    taken_at    timestamptz NOT NULL
);
