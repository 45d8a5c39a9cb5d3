namespace Actors.Peers.Storage;

/// <summary>
/// The peers' tables. The gateway's charges are the platform's sandbox_charges, column for column; the ledger has
/// the platform's ledger columns and its two indexes (history through the authorized rows, outcomes by payment), so
/// a row of either costs PostgreSQL about what the platform's own rows cost it.
/// </summary>
public static class PeerSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS customers
        (
            id                 text        PRIMARY KEY,
            display_name       text        NOT NULL,
            email              text,
            phone              text,
            preferred_language text        NOT NULL,
            home_currency      char(3)     NOT NULL,
            time_zone          text        NOT NULL,
            version            bigint      NOT NULL,
            created_at         timestamptz NOT NULL,
            updated_at         timestamptz NOT NULL,
            -- One cap over all time, in the home currency; spent counts reserved and settled payments.
            cap                bigint      NOT NULL CHECK (cap >= 0),
            spent              bigint      NOT NULL DEFAULT 0 CHECK (spent >= 0)
        );

        CREATE TABLE IF NOT EXISTS payment_methods
        (
            id              text        PRIMARY KEY,
            customer_id     text        NOT NULL REFERENCES customers (id),
            token           text        NOT NULL,
            brand           text        NOT NULL,
            last4           text        NOT NULL,
            expiry_month    int         NOT NULL,
            expiry_year     int         NOT NULL,
            billing_country char(2)     NOT NULL,
            preferred       boolean     NOT NULL,
            created_at      timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_payment_methods_customer_id ON payment_methods (customer_id);

        CREATE TABLE IF NOT EXISTS checkouts
        (
            id              text        PRIMARY KEY,
            customer_id     text        NOT NULL REFERENCES customers (id),
            status          text        NOT NULL CHECK (status IN ('requires_confirmation', 'processing', 'succeeded')),
            currency        char(3)     NOT NULL,
            total           bigint      NOT NULL,
            cap_currency    char(3)     NOT NULL,
            converted_total bigint      NOT NULL,
            description     text        NOT NULL,
            lines           jsonb       NOT NULL,
            channel         text        NOT NULL,
            payment_id      text,
            created_at      timestamptz NOT NULL,
            expires_at      timestamptz NOT NULL
        );

        -- The merchant's catalog, as the platform keeps it: one row per version of a SKU, appended, never updated.
        CREATE TABLE IF NOT EXISTS catalog_items
        (
            sku        text        NOT NULL,
            version    bigint      NOT NULL,
            name       text        NOT NULL,
            unit_price bigint      NOT NULL CHECK (unit_price > 0),
            currency   char(3)     NOT NULL,
            active     boolean     NOT NULL,
            changed_at timestamptz NOT NULL,
            PRIMARY KEY (sku, version)
        );
        -- The platform's seed products (its silo's Catalog:Items), so both price the same checkout the same.
        INSERT INTO catalog_items (sku, version, name, unit_price, currency, active, changed_at) VALUES
            ('beans', 1, 'Coffee beans', 1450, 'EUR', true, now()),
            ('mug', 1, 'Enamel mug', 899, 'EUR', true, now()),
            ('grinder', 1, 'Hand grinder', 4900, 'EUR', true, now())
        ON CONFLICT (sku, version) DO NOTHING;

        CREATE TABLE IF NOT EXISTS payments
        (
            id             text        PRIMARY KEY,
            checkout_id    text        NOT NULL REFERENCES checkouts (id),
            customer_id    text        NOT NULL,
            status         text        NOT NULL CHECK (status IN ('processing', 'succeeded', 'declined')),
            amount         bigint      NOT NULL,
            currency       char(3)     NOT NULL,
            method_id      text        NOT NULL,
            brand          text        NOT NULL,
            last4          text        NOT NULL,
            channel        text        NOT NULL,
            description    text        NOT NULL,
            decline_reason text,
            created_at     timestamptz NOT NULL,
            updated_at     timestamptz NOT NULL
        );

        -- One row per Idempotency-Key of a customer: claimed first, the answer stored once there is one.
        CREATE TABLE IF NOT EXISTS idempotency_keys
        (
            customer_id  text        NOT NULL,
            key          text        NOT NULL,
            fingerprint  bytea       NOT NULL,
            status_code  int,
            response     text,
            created_at   timestamptz NOT NULL,
            PRIMARY KEY (customer_id, key)
        );

        CREATE TABLE IF NOT EXISTS gateway_charges
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
            CONSTRAINT ck_gateway_charges_decline_reason CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
        );

        CREATE TABLE IF NOT EXISTS ledger
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
        CREATE INDEX IF NOT EXISTS ix_ledger_customer_payments ON ledger (customer_id, created_at DESC, payment_id DESC)
            WHERE kind = 'authorized';
        CREATE INDEX IF NOT EXISTS ix_ledger_payment_id ON ledger (payment_id);
        """;
}
