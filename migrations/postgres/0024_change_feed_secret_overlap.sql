-- A change feed for sync jobs (issue 18): every order, inbound and parcel
-- row carries change_seq, its place in the order rows were last written,
-- set by the database on every insert and update so no code path can
-- forget it. Lists page in (change_seq, id) order; a row written again
-- moves to the end, so a client paging while others write never skips it.
--
-- On PostgreSQL change_seq is the writing transaction's id. Ids are given
-- out in start order, not commit order, so a reader only lists rows whose
-- id is below its snapshot's xmin: every transaction before xmin has
-- ended, and every later write gets a larger id. A row written by a
-- transaction still running is held back until it ends, never skipped.

CREATE FUNCTION soko_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$;

ALTER TABLE orders ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbounds ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parcels ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER orders_change_seq BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION soko_change_seq();
CREATE TRIGGER inbounds_change_seq BEFORE INSERT OR UPDATE ON inbounds
    FOR EACH ROW EXECUTE FUNCTION soko_change_seq();
CREATE TRIGGER parcels_change_seq BEFORE INSERT OR UPDATE ON parcels
    FOR EACH ROW EXECUTE FUNCTION soko_change_seq();

CREATE INDEX orders_changes ON orders (merchant_id, change_seq, id);
CREATE INDEX inbounds_changes ON inbounds (merchant_id, change_seq, id);
CREATE INDEX parcels_changes ON parcels (change_seq, id);

-- Webhook secret rotation with an overlap (issue 18): the secret a rotation
-- replaced keeps signing beside the new one until previous_secret_until, so
-- a receiver can switch to the new secret without dropping events.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until TIMESTAMPTZ;

-- Product archive (issue 18): an archived product stays with its stock,
-- orders and history, but new orders cannot name it and lists hide it
-- unless asked.
ALTER TABLE products ADD COLUMN archived_at TIMESTAMPTZ;
