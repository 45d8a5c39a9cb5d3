-- The merchant's catalog: one row per version of a SKU. A change adds the next version; no row is ever updated, so
-- the price a checkout was created with can always be found again. The silo's catalog grain is the one writer.

CREATE TABLE catalog_items
(
    sku        text        NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
    version    bigint      NOT NULL CHECK (version > 0),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit_price bigint      NOT NULL CHECK (unit_price > 0),
    currency   char(3)     NOT NULL,
    active     boolean     NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (sku, version)
);
