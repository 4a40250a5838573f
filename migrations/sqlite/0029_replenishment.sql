-- Replenishment (発注提案 → 発注 → 入荷予定, issue 15 point 4).
--
-- A merchant's suppliers, which supplier each product is bought from, the
-- merchant's replenishment settings, and purchase orders (発注書). A
-- purchase order is a draft (raised by the morning job, 自動発注, waiting
-- for approval) or ordered; ordering it creates its inbound notice in the
-- same transaction, so receiving closes the loop.

CREATE TABLE suppliers (
    id             INTEGER PRIMARY KEY,
    merchant_id    INTEGER NOT NULL REFERENCES merchants(id),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    lead_time_days INTEGER NOT NULL CHECK (lead_time_days >= 0),
    min_order_qty  INTEGER NOT NULL DEFAULT 1 CHECK (min_order_qty >= 1),
    order_multiple INTEGER NOT NULL DEFAULT 1 CHECK (order_multiple >= 1),
    contact        TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    UNIQUE (merchant_id, code)
);

ALTER TABLE products ADD COLUMN supplier_id INTEGER REFERENCES suppliers(id);
CREATE INDEX products_supplier ON products (supplier_id);

CREATE TABLE replenishment_settings (
    merchant_id  INTEGER PRIMARY KEY REFERENCES merchants(id),
    review_days  INTEGER NOT NULL CHECK (review_days >= 0),
    safety_days  INTEGER NOT NULL CHECK (safety_days >= 0),
    window_days  INTEGER NOT NULL CHECK (window_days >= 1),
    auto_order   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE purchase_orders (
    id            INTEGER PRIMARY KEY,
    merchant_id   INTEGER NOT NULL REFERENCES merchants(id),
    supplier_id   INTEGER NOT NULL REFERENCES suppliers(id),
    number        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'ordered', 'cancelled')),
    expected_date DATE NOT NULL,
    inbound_id    INTEGER REFERENCES inbounds(id),
    -- The morning job's day (Japan) for a draft it raised: one per
    -- supplier and day, however many soko servers run the job.
    auto_day      TEXT,
    ordered_by    TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    ordered_at    DATETIME,
    UNIQUE (merchant_id, number),
    UNIQUE (supplier_id, auto_day)
);
CREATE INDEX purchase_orders_inbound ON purchase_orders (inbound_id);

CREATE TABLE purchase_order_lines (
    id                INTEGER PRIMARY KEY,
    purchase_order_id INTEGER NOT NULL REFERENCES purchase_orders(id),
    product_id        INTEGER NOT NULL REFERENCES products(id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX purchase_order_lines_order ON purchase_order_lines (purchase_order_id);
CREATE INDEX purchase_order_lines_product ON purchase_order_lines (product_id);
