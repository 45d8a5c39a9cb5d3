-- Retention: past their retention (the silo's Retention settings), device sightings and idempotency records are deleted
-- from the journal, and money events that carry personal data beside the money (descriptions, refund reasons, a
-- checkout's country) are rewritten without it, their ledger description cleared; amounts, currencies and ids stay for
-- accounting. This is the one exception to 0007's "nothing updates or deletes journal rows": only the retention sweep
-- does it, and only to rows the customer's snapshot already covers.

ALTER TABLE customer_events ADD COLUMN personal_data_removed_at timestamptz;

-- A payment's anchor row keeps its money; its description may now be gone.
ALTER TABLE customer_events DROP CONSTRAINT ck_customer_events_anchor;
ALTER TABLE customer_events ADD CONSTRAINT ck_customer_events_anchor CHECK (ledger_kind <> 'authorized' OR (amount IS NOT NULL
    AND currency IS NOT NULL AND converted_amount IS NOT NULL AND converted_currency IS NOT NULL AND channel IS NOT NULL));
