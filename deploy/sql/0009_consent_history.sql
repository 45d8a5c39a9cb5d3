-- A customer's consent history is read from the journal, newest first: its consent events, which are few among
-- many (device sightings, carts, payments). A partial index holds only those rows, so the read touches nothing else
-- and the hot appends of every other event pay nothing for it. The type is the event's stable alias.
CREATE INDEX ix_customer_events_consents ON customer_events (customer_id, sequence DESC)
    WHERE event_type = 'consent-recorded-v1';
