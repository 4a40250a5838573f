-- Shortage alerts fire once per crossing (issue 15). out_since is when a
-- product's promisable units (on hand − allocated − held) last ran out,
-- NULL while it has some, as low_since is for its reorder point. A
-- product with nothing today starts out, so that its first change does
-- not alert as though it had just run out.
ALTER TABLE products ADD COLUMN out_since TIMESTAMPTZ;

UPDATE products SET out_since = now()
WHERE NOT EXISTS (SELECT 1 FROM stock s JOIN locations l ON l.id = s.location_id
                  WHERE s.product_id = products.id AND l.kind IN ('pick', 'reserve') AND s.on_hand > s.allocated
                  AND NOT EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = l.id AND ct.done_at IS NULL));
