-- The console's customer search compares keys kept in order_search (issue
-- 17): the lower-cased name and company without spaces, half or full
-- width, written by triggers when an order is created and when its name
-- or company changes. On PostgreSQL this keeps the trigram indexes off
-- orders, whose every status change would write them again; SQLite has
-- no trigram index and looks each order's keys up as it walks the orders.
CREATE TABLE order_search (
    order_id    INTEGER PRIMARY KEY,
    name_key    TEXT NOT NULL,
    company_key TEXT NOT NULL
);

CREATE TRIGGER orders_search_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_search (order_id, name_key, company_key)
    VALUES (NEW.id, REPLACE(REPLACE(LOWER(NEW.recipient_name), ' ', ''), '　', ''),
            REPLACE(REPLACE(LOWER(NEW.recipient_company), ' ', ''), '　', ''));
END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF recipient_name, recipient_company ON orders
    WHEN OLD.recipient_name IS NOT NEW.recipient_name OR OLD.recipient_company IS NOT NEW.recipient_company
BEGIN
    UPDATE order_search SET name_key = REPLACE(REPLACE(LOWER(NEW.recipient_name), ' ', ''), '　', ''),
        company_key = REPLACE(REPLACE(LOWER(NEW.recipient_company), ' ', ''), '　', '')
    WHERE order_id = NEW.id;
END;

INSERT INTO order_search (order_id, name_key, company_key)
SELECT id, REPLACE(REPLACE(LOWER(recipient_name), ' ', ''), '　', ''), REPLACE(REPLACE(LOWER(recipient_company), ' ', ''), '　', '')
FROM orders;
