-- Scanned codes are looked up across merchants: a handheld's scan of a JAN
-- or an SKU names products of whichever merchant has it (ScannedItems), a
-- pick scan resolves its code in the statement that locks the task
-- (codeColumns), and a packing station's or the returns desk's scan of an
-- order number finds the order of any merchant (StationOrder,
-- IdentifyReturn). The unique keys lead with the merchant, so the
-- barcode's and the order's lookups read every barcode or order: their
-- cost grew with the catalog and the history (BENCHMARKS.md, Growth:
-- scan_barcode, station_order). PostgreSQL read the SKU's from the whole
-- (merchant_id, sku) key, flat at 10,000 products; its index is for
-- larger catalogs, and for SQLite.
CREATE INDEX product_barcodes_code ON product_barcodes (code);
CREATE INDEX products_sku ON products (sku);
CREATE INDEX orders_number ON orders (number);
