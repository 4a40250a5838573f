-- What a customer pays besides the goods (issue 22 finding 5): 送料,
-- 代引手数料 and 値引き, yen tax included, so that a packing slip adds up to
-- the cash-on-delivery amount on the label.

ALTER TABLE orders ADD COLUMN shipping_fee INTEGER NOT NULL DEFAULT 0 CHECK (shipping_fee >= 0);
ALTER TABLE orders ADD COLUMN cod_fee INTEGER NOT NULL DEFAULT 0 CHECK (cod_fee >= 0);
ALTER TABLE orders ADD COLUMN discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0);
