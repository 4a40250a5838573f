-- A scanned code is looked up across merchants: the handheld's scan of a
-- JAN or an SKU names products of whichever merchant has it (ScannedItems),
-- and a pick scan resolves its code in the statement that locks the task
-- (codeColumns). The unique keys lead with the merchant, so both lookups
-- read every barcode or product: a scan's cost grew with the catalog
-- (BENCHMARKS.md, Growth, scan_barcode and scan_sku).
CREATE INDEX product_barcodes_code ON product_barcodes (code);
CREATE INDEX products_sku ON products (sku);
