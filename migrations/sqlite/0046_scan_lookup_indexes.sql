-- Scanned codes are looked up across merchants: a handheld's scan of a JAN
-- or an SKU names products of whichever merchant has it (ScannedItems), a
-- pick scan resolves its code in the statement that locks the task
-- (codeColumns), and a packing station's or the returns desk's scan of an
-- order number finds the order of any merchant (StationOrder,
-- IdentifyReturn). The unique keys lead with the merchant, so each lookup
-- read every barcode, product or order: a scan's cost grew with the
-- catalog and the history (BENCHMARKS.md, Growth: scan_barcode, scan_sku,
-- station_order).
CREATE INDEX product_barcodes_code ON product_barcodes (code);
CREATE INDEX products_sku ON products (sku);
CREATE INDEX orders_number ON orders (number);
