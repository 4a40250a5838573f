-- A merchant's 適格請求書発行事業者 registration number (T and 13 digits),
-- printed on its packing slips so that they serve as qualified invoices
-- (issue 19); empty when it has none.

ALTER TABLE merchants ADD COLUMN invoice_number TEXT NOT NULL DEFAULT '';
