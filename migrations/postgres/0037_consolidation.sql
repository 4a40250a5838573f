-- 同梱 (issue 19): orders of one merchant to the same recipient leave as one
-- parcel. A member order points at its group's primary (consolidated_into),
-- whose parcels carry the whole group; no_consolidation is the order's own
-- opt out; merchants.consolidate is the merchant's consent, off by default.

ALTER TABLE orders ADD COLUMN consolidated_into BIGINT REFERENCES orders(id);
ALTER TABLE orders ADD COLUMN no_consolidation BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE merchants ADD COLUMN consolidate BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX consolidation_orders_into ON orders (consolidated_into);
