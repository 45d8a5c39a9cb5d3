-- The append-only payment history. Grains insert rows (ON CONFLICT (entry_id) DO NOTHING, so an outbox flushed
-- twice leaves one row); nothing updates or deletes them. The API searches, pages and exports it.

CREATE TABLE ledger
(
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

-- Every payment has exactly one 'authorized' row, written first: it carries what a payment shows (amount, method,
-- channel, description, time). The history pages and filters a customer's payments by walking these rows newest
-- first, with (created_at, payment_id) as the keyset cursor.
CREATE INDEX ix_ledger_customer_payments ON ledger (customer_id, created_at DESC, payment_id DESC)
    WHERE kind = 'authorized';

-- The outcome and refunds of one payment.
CREATE INDEX ix_ledger_payment_id ON ledger (payment_id);
