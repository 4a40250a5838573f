-- soko's domain model (DESIGN.md §3). Forward only: change it with a new file.

CREATE TABLE merchants (
    id                 BIGSERIAL PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    sender_postal_code TEXT NOT NULL DEFAULT '',
    sender_prefecture  TEXT NOT NULL DEFAULT '',
    sender_city        TEXT NOT NULL DEFAULT '',
    sender_street      TEXT NOT NULL DEFAULT '',
    sender_building    TEXT NOT NULL DEFAULT '',
    sender_name        TEXT NOT NULL DEFAULT '',
    sender_phone       TEXT NOT NULL DEFAULT '',
    sender_email       TEXT NOT NULL DEFAULT '',
    slip_message       TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id           BIGSERIAL PRIMARY KEY,
    merchant_id  BIGINT NOT NULL REFERENCES merchants(id),
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE staff (
    id           BIGSERIAL PRIMARY KEY,
    badge_code   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('picker', 'packer', 'shipper', 'supervisor', 'admin')),
    pin_hash     TEXT NOT NULL,
    failed_pins  INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE products (
    id           BIGSERIAL PRIMARY KEY,
    merchant_id  BIGINT NOT NULL REFERENCES merchants(id),
    sku          TEXT NOT NULL,
    name         TEXT NOT NULL,
    price        BIGINT NOT NULL DEFAULT 0 CHECK (price >= 0),
    tax_rate     INTEGER NOT NULL DEFAULT 10 CHECK (tax_rate IN (8, 10)),
    weight_grams INTEGER NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    length_mm    INTEGER NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
    width_mm     INTEGER NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
    height_mm    INTEGER NOT NULL DEFAULT 0 CHECK (height_mm >= 0),
    track_lot    BOOLEAN NOT NULL DEFAULT FALSE,
    track_expiry BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, sku),
    UNIQUE (merchant_id, id)
);

-- merchant_id is repeated here so the database itself keeps a barcode to one product per merchant.
CREATE TABLE product_barcodes (
    id            BIGSERIAL PRIMARY KEY,
    merchant_id   BIGINT NOT NULL,
    product_id    BIGINT NOT NULL,
    code          TEXT NOT NULL,
    pack_quantity INTEGER NOT NULL DEFAULT 1 CHECK (pack_quantity >= 1),
    UNIQUE (merchant_id, code),
    FOREIGN KEY (merchant_id, product_id) REFERENCES products (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_barcodes_product ON product_barcodes (product_id);

CREATE TABLE locations (
    id            BIGSERIAL PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    zone          TEXT NOT NULL,
    walk_sequence INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('pick', 'reserve', 'receiving', 'dock'))
);

CREATE TABLE stock (
    id          BIGSERIAL PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations(id),
    product_id  BIGINT NOT NULL REFERENCES products(id),
    lot         TEXT NOT NULL DEFAULT '',
    expiry      DATE,
    on_hand     INTEGER NOT NULL DEFAULT 0,
    allocated   INTEGER NOT NULL DEFAULT 0,
    CHECK (0 <= allocated AND allocated <= on_hand),
    UNIQUE (location_id, product_id, lot)
);
CREATE INDEX stock_product ON stock (product_id);

CREATE TABLE stock_movements (
    id              BIGSERIAL PRIMARY KEY,
    stock_id        BIGINT NOT NULL REFERENCES stock(id),
    kind            TEXT NOT NULL CHECK (kind IN ('receive', 'put_away', 'allocate', 'release', 'pick', 'adjust', 'count', 'ship', 'return')),
    on_hand_delta   INTEGER NOT NULL,
    allocated_delta INTEGER NOT NULL,
    staff_id        BIGINT REFERENCES staff(id),
    reason          TEXT NOT NULL DEFAULT '',
    document_type   TEXT NOT NULL DEFAULT '',
    document_id     BIGINT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_stock ON stock_movements (stock_id);

CREATE TABLE inbounds (
    id            BIGSERIAL PRIMARY KEY,
    merchant_id   BIGINT NOT NULL REFERENCES merchants(id),
    number        TEXT NOT NULL,
    expected_date DATE,
    status        TEXT NOT NULL CHECK (status IN ('expected', 'receiving', 'received')),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, number)
);

CREATE TABLE inbound_lines (
    id         BIGSERIAL PRIMARY KEY,
    inbound_id BIGINT NOT NULL REFERENCES inbounds(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    received   INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    lot        TEXT NOT NULL DEFAULT '',
    expiry     DATE
);

CREATE TABLE orders (
    id                    BIGSERIAL PRIMARY KEY,
    merchant_id           BIGINT NOT NULL REFERENCES merchants(id),
    number                TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('received', 'backordered', 'allocated', 'picking', 'short', 'picked', 'inspected', 'packed', 'labeled', 'shipped', 'on_hold', 'cancel_requested', 'cancelled')),
    held_from             TEXT NOT NULL DEFAULT '',
    recipient_postal_code TEXT NOT NULL,
    recipient_prefecture  TEXT NOT NULL,
    recipient_city        TEXT NOT NULL,
    recipient_street      TEXT NOT NULL,
    recipient_building    TEXT NOT NULL DEFAULT '',
    recipient_company     TEXT NOT NULL DEFAULT '',
    recipient_name        TEXT NOT NULL,
    recipient_phone       TEXT NOT NULL DEFAULT '',
    recipient_email       TEXT NOT NULL DEFAULT '',
    carrier               TEXT NOT NULL DEFAULT '',
    service               TEXT NOT NULL DEFAULT '',
    delivery_date         DATE,
    time_slot             TEXT NOT NULL DEFAULT '' CHECK (time_slot IN ('', 'am', '12-14', '14-16', '16-18', '18-20', '19-21')),
    cod_amount            BIGINT NOT NULL DEFAULT 0 CHECK (cod_amount >= 0),
    gift                  BOOLEAN NOT NULL DEFAULT FALSE,
    priority              INTEGER NOT NULL DEFAULT 0,
    note                  TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, number)
);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_updated ON orders (merchant_id, updated_at);

CREATE TABLE order_lines (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price BIGINT NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
    tax_rate   INTEGER NOT NULL DEFAULT 10 CHECK (tax_rate IN (8, 10))
);
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE allocations (
    id            BIGSERIAL PRIMARY KEY,
    order_line_id BIGINT NOT NULL REFERENCES order_lines(id),
    stock_id      BIGINT NOT NULL REFERENCES stock(id),
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    picked        INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0 AND picked <= quantity)
);
CREATE INDEX allocations_line ON allocations (order_line_id);

CREATE TABLE waves (
    id          BIGSERIAL PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    carrier     TEXT NOT NULL DEFAULT '',
    cut_off     TIMESTAMPTZ,
    priority    INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL CHECK (status IN ('released', 'done')),
    released_by BIGINT REFERENCES staff(id),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE pick_tasks (
    id            BIGSERIAL PRIMARY KEY,
    wave_id       BIGINT NOT NULL REFERENCES waves(id),
    allocation_id BIGINT NOT NULL REFERENCES allocations(id),
    location_id   BIGINT NOT NULL REFERENCES locations(id),
    product_id    BIGINT NOT NULL REFERENCES products(id),
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    picked        INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0 AND picked <= quantity),
    tote          TEXT NOT NULL DEFAULT '',
    sequence      INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'done', 'short')),
    staff_id      BIGINT REFERENCES staff(id)
);
CREATE INDEX pick_tasks_wave ON pick_tasks (wave_id, sequence);

CREATE TABLE box_types (
    id               BIGSERIAL PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    inner_length_mm  INTEGER NOT NULL CHECK (inner_length_mm > 0),
    inner_width_mm   INTEGER NOT NULL CHECK (inner_width_mm > 0),
    inner_height_mm  INTEGER NOT NULL CHECK (inner_height_mm > 0),
    max_weight_grams INTEGER NOT NULL CHECK (max_weight_grams > 0),
    tare_grams       INTEGER NOT NULL DEFAULT 0 CHECK (tare_grams >= 0),
    size_class       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE manifests (
    id          BIGSERIAL PRIMARY KEY,
    carrier     TEXT NOT NULL,
    pickup_date DATE NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closed_at   TIMESTAMPTZ,
    closed_by   BIGINT REFERENCES staff(id),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE parcels (
    id              BIGSERIAL PRIMARY KEY,
    order_id        BIGINT NOT NULL REFERENCES orders(id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    box_type        TEXT NOT NULL DEFAULT '',
    weight_grams    INTEGER NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    carrier         TEXT NOT NULL,
    service         TEXT NOT NULL DEFAULT '',
    tracking_number TEXT,
    label_printed   BOOLEAN NOT NULL DEFAULT FALSE,
    manifest_id     BIGINT REFERENCES manifests(id),
    handed_over_at  TIMESTAMPTZ,
    UNIQUE (order_id, seq),
    UNIQUE (carrier, tracking_number)
);

CREATE TABLE order_events (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    staff_id    BIGINT REFERENCES staff(id),
    device      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (order_id, seq)
);

CREATE TABLE scan_events (
    id         BIGSERIAL PRIMARY KEY,
    scan_id    TEXT UNIQUE,
    staff_id   BIGINT REFERENCES staff(id),
    device     TEXT NOT NULL DEFAULT '',
    step       TEXT NOT NULL,
    code       TEXT NOT NULL,
    result     TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    order_id   BIGINT REFERENCES orders(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scan_events_staff ON scan_events (staff_id, created_at);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    event_type      TEXT NOT NULL,
    order_id        BIGINT REFERENCES orders(id),
    merchant_id     BIGINT NOT NULL REFERENCES merchants(id),
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE webhook_endpoints (
    id          BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_deliveries (
    id          BIGSERIAL PRIMARY KEY,
    outbox_id   BIGINT NOT NULL REFERENCES outbox(id),
    attempt     INTEGER NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_outbox ON webhook_deliveries (outbox_id);
