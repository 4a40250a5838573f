-- 3PL billing (請求明細, issue 20). A rate card per merchant, effective from
-- a month (a statement uses the latest card from on or before its month, so
-- a past month is priced as it was); prices in 銭 (hundredths of a yen)
-- before tax, the per-box prices and fixed fees as JSON.
-- A closed month is frozen as a snapshot in billing_statements and never
-- rewritten; a later correction is a billing_adjustments row in an open
-- month. The partial index finds a month's shipped orders by the time of
-- their shipping event, which is what a statement bills.

CREATE TABLE billing_rate_cards (
    merchant_id     INTEGER NOT NULL REFERENCES merchants(id),
    from_month      TEXT NOT NULL,
    tax_rate        INTEGER NOT NULL CHECK (tax_rate IN (0, 8, 10)),
    rounding        TEXT NOT NULL CHECK (rounding IN ('down', 'half_up', 'up')),
    storage_periods INTEGER NOT NULL CHECK (storage_periods IN (1, 2, 3)),
    prices          TEXT NOT NULL,
    updated_at      DATETIME NOT NULL,
    PRIMARY KEY (merchant_id, from_month)
);

CREATE TABLE billing_statements (
    id          INTEGER PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    month       TEXT NOT NULL,
    subtotal    INTEGER NOT NULL,
    tax         INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    body        TEXT NOT NULL,
    closed_at   DATETIME NOT NULL,
    closed_by   INTEGER REFERENCES staff(id),
    UNIQUE (merchant_id, month)
);

CREATE TABLE billing_adjustments (
    id          INTEGER PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    month       TEXT NOT NULL,
    description TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    tax_rate    INTEGER NOT NULL CHECK (tax_rate IN (0, 8, 10)),
    staff_id    INTEGER REFERENCES staff(id),
    created_at  DATETIME NOT NULL
);
CREATE INDEX billing_adjustments_month ON billing_adjustments (merchant_id, month);

CREATE INDEX order_events_shipped ON order_events (created_at) WHERE to_status = 'shipped';
CREATE INDEX stock_movements_created ON stock_movements (created_at);
