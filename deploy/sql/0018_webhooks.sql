-- Webhooks: endpoints operators register, and one delivery row per (endpoint, journal event) it asked for. The journal
-- append writes the delivery rows in the same statement as the events (so a committed event always has its deliveries,
-- and a refused append none); the silos' dispatchers send them in journal order per (endpoint, customer).

CREATE TABLE webhook_endpoints
(
    id            text        PRIMARY KEY,            -- we_…
    url           text        NOT NULL,
    events        text[]      NOT NULL,               -- webhook event names, e.g. payment.succeeded
    journal_types text[]      NOT NULL,               -- the journal event aliases those names are made from
    secret        text        NOT NULL,               -- the HMAC key deliveries are signed with
    created_at    timestamptz NOT NULL,
    deleted_at    timestamptz
);

-- One live endpoint per URL: registering it again is a conflict, not a second copy of every delivery.
CREATE UNIQUE INDEX ux_webhook_endpoints_live_url ON webhook_endpoints (url) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries
(
    endpoint_id     text        NOT NULL REFERENCES webhook_endpoints (id),
    customer_id     text        NOT NULL,
    sequence        bigint      NOT NULL,
    event_type      text        NOT NULL,             -- the journal event's alias
    recorded_at     timestamptz NOT NULL,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,             -- also the lease of an attempt in flight
    last_attempt_at timestamptz,
    last_status     int,
    last_error      text,
    delivered_at    timestamptz,
    PRIMARY KEY (endpoint_id, customer_id, sequence)
);

-- The dispatcher looks for the oldest undelivered event of each (endpoint, customer).
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (endpoint_id, customer_id, sequence) WHERE delivered_at IS NULL;
-- The delivery log pages an endpoint's deliveries newest first.
CREATE INDEX ix_webhook_deliveries_log ON webhook_deliveries (endpoint_id, recorded_at DESC, customer_id DESC, sequence DESC);
