-- Personal data kept only as long as needed (issue 21, 個人情報保護法):
-- each merchant says how many days after an order ships or is cancelled its
-- customer's name, address, phone and email are kept (0 keeps them), and an
-- order records when they were erased.

ALTER TABLE merchants ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0 CHECK (retention_days >= 0 AND retention_days <= 36500);
ALTER TABLE orders ADD COLUMN personal_data_erased_at DATETIME;
