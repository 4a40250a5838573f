-- The outsourcer API (issue 3): order details it accepts, idempotency keys,
-- one webhook endpoint per merchant, and indexes for polling.

ALTER TABLE orders ADD COLUMN ordered_at TIMESTAMPTZ;
ALTER TABLE orders ADD COLUMN gift_wrap BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN gift_message TEXT NOT NULL DEFAULT '';

ALTER TABLE webhook_endpoints ADD COLUMN event_types TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN updated_at TIMESTAMPTZ;
CREATE UNIQUE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id);

-- status_code is 0 while the first request is still running.
CREATE TABLE idempotency_keys (
    id            BIGSERIAL PRIMARY KEY,
    merchant_id   BIGINT NOT NULL REFERENCES merchants(id),
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status_code   INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    response_body TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE INDEX products_updated ON products (merchant_id, updated_at);
CREATE INDEX inbounds_updated ON inbounds (merchant_id, updated_at);
CREATE INDEX parcels_handed_over ON parcels (handed_over_at);
CREATE INDEX outbox_merchant ON outbox (merchant_id, id);
