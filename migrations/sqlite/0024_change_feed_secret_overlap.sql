-- A change feed for sync jobs (issue 18): every order, inbound and parcel
-- row carries change_seq, its place in the order rows were last written,
-- set by the database on every insert and update so no code path can
-- forget it. Lists page in (change_seq, id) order; a row written again
-- moves to the end, so a client paging while others write never skips it.
--
-- On SQLite writers take turns (BEGIN IMMEDIATE), so the next number after
-- the largest one given out is also in commit order: orders and inbounds
-- count per merchant, parcels in one count. The WHEN guards keep the
-- triggers' own updates from firing them again.

ALTER TABLE orders ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbounds ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE parcels ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;

CREATE INDEX orders_changes ON orders (merchant_id, change_seq, id);
CREATE INDEX inbounds_changes ON inbounds (merchant_id, change_seq, id);
CREATE INDEX parcels_changes ON parcels (change_seq, id);

CREATE TRIGGER orders_change_seq_insert AFTER INSERT ON orders BEGIN
    UPDATE orders SET change_seq = (SELECT MAX(change_seq) + 1 FROM orders WHERE merchant_id = NEW.merchant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER orders_change_seq_update AFTER UPDATE ON orders WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE orders SET change_seq = (SELECT MAX(change_seq) + 1 FROM orders WHERE merchant_id = NEW.merchant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER inbounds_change_seq_insert AFTER INSERT ON inbounds BEGIN
    UPDATE inbounds SET change_seq = (SELECT MAX(change_seq) + 1 FROM inbounds WHERE merchant_id = NEW.merchant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER inbounds_change_seq_update AFTER UPDATE ON inbounds WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE inbounds SET change_seq = (SELECT MAX(change_seq) + 1 FROM inbounds WHERE merchant_id = NEW.merchant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER parcels_change_seq_insert AFTER INSERT ON parcels BEGIN
    UPDATE parcels SET change_seq = (SELECT MAX(change_seq) + 1 FROM parcels) WHERE id = NEW.id;
END;
CREATE TRIGGER parcels_change_seq_update AFTER UPDATE ON parcels WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE parcels SET change_seq = (SELECT MAX(change_seq) + 1 FROM parcels) WHERE id = NEW.id;
END;

-- Webhook secret rotation with an overlap (issue 18): the secret a rotation
-- replaced keeps signing beside the new one until previous_secret_until, so
-- a receiver can switch to the new secret without dropping events.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until DATETIME;

-- Product archive (issue 18): an archived product stays with its stock,
-- orders and history, but new orders cannot name it and lists hide it
-- unless asked.
ALTER TABLE products ADD COLUMN archived_at DATETIME;
