-- Stock you can trust (issue 4): staff sessions for the handhelds, scans
-- that answer a retry with their first answer, reorder points, and indexes
-- for allocation and backorder retries.

CREATE TABLE staff_sessions (
    id           BIGSERIAL PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    staff_id     BIGINT NOT NULL REFERENCES staff(id),
    csrf_token   TEXT NOT NULL,
    device       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

ALTER TABLE scan_events ADD COLUMN status_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scan_events ADD COLUMN response TEXT NOT NULL DEFAULT '';

ALTER TABLE products ADD COLUMN reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0);
ALTER TABLE products ADD COLUMN low_since TIMESTAMPTZ;

ALTER TABLE stock_movements ADD COLUMN scan_id TEXT;

CREATE INDEX orders_waiting ON orders (status, priority, id);
CREATE INDEX allocations_stock ON allocations (stock_id);
CREATE INDEX stock_location ON stock (location_id);
