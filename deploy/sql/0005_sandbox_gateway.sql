-- The built-in sandbox payment gateway keeps its charges here, apart from the platform's own tables, the way a
-- real processor keeps them on its side. The payment id is the idempotency key of a charge.
CREATE TABLE sandbox_charges (
    payment_id     text        PRIMARY KEY,
    customer_id    text        NOT NULL,
    token          text        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    currency       char(3)     NOT NULL,
    status         text        NOT NULL CHECK (status IN ('succeeded', 'declined', 'requires_action')),
    decline_reason text,
    charge_id      text        NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_sandbox_charges_customer ON sandbox_charges (customer_id);

-- The refund id is the idempotency key of a refund.
CREATE TABLE sandbox_refunds (
    refund_id  text        PRIMARY KEY,
    payment_id text        NOT NULL REFERENCES sandbox_charges (payment_id),
    amount     bigint      NOT NULL CHECK (amount > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_sandbox_refunds_payment ON sandbox_refunds (payment_id);
