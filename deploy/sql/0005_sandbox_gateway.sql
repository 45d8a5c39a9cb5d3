-- The built-in sandbox card processor keeps its own books, apart from the platform's ledger, the way a real
-- processor would. The payment id is the processor's idempotency key, so a retried charge finds its first row.

CREATE TABLE sandbox_charges
(
    payment_id     text        PRIMARY KEY,
    customer_id    text        NOT NULL,
    token          text        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    currency       char(3)     NOT NULL,
    status         text        NOT NULL CHECK (status IN ('succeeded', 'declined', 'requires_action')),
    decline_reason text,
    charge_id      text        NOT NULL UNIQUE CHECK (charge_id LIKE 'ch\_%'),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,

    -- A reason goes with a decline and with nothing else.
    CONSTRAINT ck_sandbox_charges_decline_reason CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);

CREATE TABLE sandbox_refunds
(
    refund_id  text        PRIMARY KEY,
    payment_id text        NOT NULL REFERENCES sandbox_charges (payment_id),
    amount     bigint      NOT NULL CHECK (amount > 0),
    created_at timestamptz NOT NULL
);

-- A refund sums what the payment has already had back.
CREATE INDEX ix_sandbox_refunds_payment_id ON sandbox_refunds (payment_id);
