-- The append-only payment ledger. Each event of a payment is written once: entry_id is derived from the event
-- (payment id and kind, or the refund id), and writers insert with ON CONFLICT DO NOTHING.
CREATE TABLE ledger (
    entry_id           text        PRIMARY KEY,
    payment_id         text        NOT NULL,
    customer_id        text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('authorized', 'succeeded', 'declined', 'refunded', 'released')),
    amount             bigint      NOT NULL CHECK (amount >= 0),
    currency           char(3)     NOT NULL,
    converted_amount   bigint      NOT NULL CHECK (converted_amount >= 0),
    converted_currency char(3)     NOT NULL,
    method_brand       text,
    method_last4       text,
    channel            text        NOT NULL,
    description        text        NOT NULL,
    created_at         timestamptz NOT NULL
);

-- Every payment has exactly one 'authorized' entry, written first: it anchors the payment in history queries,
-- which page newest first per customer.
CREATE INDEX ix_ledger_customer_payments ON ledger (customer_id, created_at DESC, payment_id DESC) WHERE kind = 'authorized';
CREATE INDEX ix_ledger_payment ON ledger (payment_id);
