-- The console's customer search moves off orders into order_search (issue
-- 17). PostgreSQL writes a new entry into every index of a row it updates
-- unless the update is HOT, and an order's status changes are never HOT
-- (status and updated_at are indexed): each of an order's some ten status
-- changes also wrote its name and company into 0042's two trigram (GIN)
-- indexes, though neither changes after intake. Here the search keys are
-- written when an order is created and when its name or company changes
-- (a merchant's change, the erasure of personal data), by triggers, so
-- every writer keeps them. The keys are what the search compares: the
-- lower-cased name and company without spaces, half or full width.
-- order_id has no foreign key: its check would lock each new order's row
-- (one more WAL record an order), orders are never deleted, and the
-- triggers alone write it, for the order they fire on.
CREATE TABLE order_search (
    order_id    BIGINT PRIMARY KEY,
    name_key    TEXT NOT NULL,
    company_key TEXT NOT NULL
);

-- The function names its table in soko's schema (SET search_path), so a
-- writer with another search path keeps the keys too.
CREATE FUNCTION soko_order_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_search (order_id, name_key, company_key)
        VALUES (NEW.id, REPLACE(REPLACE(LOWER(NEW.recipient_name), ' ', ''), '　', ''),
                REPLACE(REPLACE(LOWER(NEW.recipient_company), ' ', ''), '　', ''));
    ELSE
        UPDATE order_search SET name_key = REPLACE(REPLACE(LOWER(NEW.recipient_name), ' ', ''), '　', ''),
            company_key = REPLACE(REPLACE(LOWER(NEW.recipient_company), ' ', ''), '　', '')
        WHERE order_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_search_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION soko_order_search();
CREATE TRIGGER orders_search_update AFTER UPDATE ON orders
    FOR EACH ROW WHEN (OLD.recipient_name IS DISTINCT FROM NEW.recipient_name OR OLD.recipient_company IS DISTINCT FROM NEW.recipient_company)
    EXECUTE FUNCTION soko_order_search();

INSERT INTO order_search (order_id, name_key, company_key)
SELECT id, REPLACE(REPLACE(LOWER(recipient_name), ' ', ''), '　', ''), REPLACE(REPLACE(LOWER(recipient_company), ' ', ''), '　', '')
FROM orders;

DROP INDEX IF EXISTS orders_recipient_name_trgm;
DROP INDEX IF EXISTS orders_recipient_company_trgm;

-- As in 0042: pg_trgm in public, and no index where it cannot be had.
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        RAISE NOTICE 'pg_trgm is not available: the customer search runs without its index';
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX order_search_name_trgm ON order_search USING gin (name_key %I.gin_trgm_ops)', ext_schema);
    EXECUTE format('CREATE INDEX order_search_company_trgm ON order_search USING gin (company_key %I.gin_trgm_ops)', ext_schema);
END $$;
