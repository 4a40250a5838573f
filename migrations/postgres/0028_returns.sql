-- Returns (返品・交換, issue 16 section 2). A return is announced by its
-- merchant over the API (its return_no is the merchant's RMA number), or
-- made at the returns desk when a parcel comes back unannounced (a carrier
-- return: 受取拒否, 宛所不明, 保管期限切れ), identified by its tracking
-- number or the order's barcode. Each unit received is graded and sent
-- somewhere: back to a shelf (stock and a ledger line), to a quarantine
-- location (a receiving-kind location, which allocation never takes
-- from), or to disposal (a ledger line in and one out); a unit that is not
-- the merchant's (誤配) moves no stock.
CREATE TABLE returns (
    id                BIGSERIAL PRIMARY KEY,
    merchant_id       BIGINT NOT NULL REFERENCES merchants(id),
    order_id          BIGINT NOT NULL REFERENCES orders(id),
    number            TEXT NOT NULL,
    reason            TEXT NOT NULL,
    disposition       TEXT NOT NULL CHECK (disposition IN ('refund', 'exchange', 'inspect')),
    status            TEXT NOT NULL CHECK (status IN ('announced', 'receiving', 'received', 'completed')),
    announced         BOOLEAN NOT NULL,
    exchange_at_once  BOOLEAN NOT NULL DEFAULT FALSE,
    exchange_order_id BIGINT REFERENCES orders(id),
    tracking_number   TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    received_at       TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    UNIQUE (merchant_id, number),
    UNIQUE (exchange_order_id)
);
CREATE INDEX returns_order ON returns (order_id);
CREATE INDEX returns_status ON returns (status, created_at);

-- What the merchant announced per product (quantity; 0 for a product that
-- came without being announced) and what came back, by grade.
CREATE TABLE return_lines (
    id         BIGSERIAL PRIMARY KEY,
    return_id  BIGINT NOT NULL REFERENCES returns(id),
    product_id BIGINT NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity >= 0),
    UNIQUE (return_id, product_id)
);
CREATE INDEX return_lines_product ON return_lines (product_id);

-- Each unit received, with its grade, where it went and who did it; the
-- scan that received it moved the stock (stock_movements.scan_id).
CREATE TABLE return_units (
    id             BIGSERIAL PRIMARY KEY,
    return_id      BIGINT NOT NULL REFERENCES returns(id),
    return_line_id BIGINT REFERENCES return_lines(id),
    code           TEXT NOT NULL,
    grade          TEXT NOT NULL CHECK (grade IN ('sellable', 'damaged', 'opened', 'wrong')),
    destination    TEXT NOT NULL CHECK (destination IN ('stock', 'quarantine', 'disposal', 'none')),
    location_id    BIGINT REFERENCES locations(id),
    staff_id       BIGINT REFERENCES staff(id),
    scan_id        TEXT NOT NULL UNIQUE,
    created_at     TIMESTAMPTZ NOT NULL,
    CHECK ((grade = 'wrong') = (return_line_id IS NULL)),
    CHECK ((destination IN ('stock', 'quarantine')) = (location_id IS NOT NULL))
);
CREATE INDEX return_units_return ON return_units (return_id);
CREATE INDEX return_units_line ON return_units (return_line_id);
CREATE INDEX return_units_location ON return_units (location_id);

-- A merchant may also have its customers told when a parcel is delivered
-- (配達完了) and when the driver found nobody in (不在), by email through
-- the outbox; off until the merchant asks for it.
ALTER TABLE merchants ADD COLUMN delivery_notices BOOLEAN NOT NULL DEFAULT FALSE;
