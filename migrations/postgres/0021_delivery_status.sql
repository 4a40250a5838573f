-- Delivery status after handover (issue 16). Each status a carrier reports
-- for a parcel is one tracking event, kept whatever order it arrives in; a
-- parcel's status and its time are those of its latest event, so an event
-- that arrives late never moves a parcel back. The same status at the same
-- moment for the same parcel is the same event, from whichever source: the
-- partner API, a status file, or a carrier poller.
CREATE TABLE tracking_events (
    id          BIGSERIAL PRIMARY KEY,
    parcel_id   BIGINT NOT NULL REFERENCES parcels(id),
    status      TEXT NOT NULL CHECK (status IN ('in_transit', 'out_for_delivery', 'delivered', 'absent', 'held', 'returning', 'returned')),
    occurred_at TIMESTAMPTZ NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (parcel_id, status, occurred_at)
);

ALTER TABLE parcels ADD COLUMN delivery_status TEXT NOT NULL DEFAULT '';
ALTER TABLE parcels ADD COLUMN delivery_status_at TIMESTAMPTZ;
CREATE INDEX parcels_delivery ON parcels (delivery_status, handed_over_at);

-- The customer's tracking page is reached by a random token sent in the
-- shipment email; only its SHA-256 is kept, as for API keys.
ALTER TABLE orders ADD COLUMN tracking_token_hash TEXT;
CREATE UNIQUE INDEX orders_tracking_token ON orders (tracking_token_hash);
