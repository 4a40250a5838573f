-- Gift options the packing station checks off before a parcel is closed
-- (issue 19): the wrapping (包装紙, ラッピング袋, 化粧箱), the のし with its
-- 表書き (御祝, 内祝, 御歳暮 …), the name printed under it (名入れ) and
-- whether it goes under the wrapping (内のし) or over it (外のし). The
-- message card and hidden prices were there already (gift_message, gift).

ALTER TABLE orders ADD COLUMN gift_wrapping TEXT NOT NULL DEFAULT ''
    CHECK (gift_wrapping IN ('', 'paper', 'bag', 'box'));
ALTER TABLE orders ADD COLUMN noshi_title TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN noshi_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN noshi_placement TEXT NOT NULL DEFAULT ''
    CHECK (noshi_placement IN ('', 'inner', 'outer'));

-- A merchant's inserts (同梱物): a flyer, coupon or sample, itself one of
-- the merchant's products so that its stock is counted like any other,
-- put into the parcels of the orders its rule picks: every order, a
-- customer's first, orders of at least min_total yen, orders with the
-- trigger product; valid_from and valid_until (Japan's dates, inclusive)
-- bound any rule.
CREATE TABLE inserts (
    id                 BIGSERIAL PRIMARY KEY,
    merchant_id        BIGINT NOT NULL REFERENCES merchants (id),
    code               TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    product_id         BIGINT NOT NULL,
    quantity           INTEGER NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 100),
    rule               TEXT NOT NULL CHECK (rule IN ('every', 'first_order', 'min_total', 'contains_sku')),
    min_total          BIGINT NOT NULL DEFAULT 0 CHECK (min_total >= 0),
    trigger_product_id BIGINT,
    valid_from         DATE,
    valid_until        DATE,
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, code),
    FOREIGN KEY (merchant_id, product_id) REFERENCES products (merchant_id, id),
    FOREIGN KEY (merchant_id, trigger_product_id) REFERENCES products (merchant_id, id),
    CHECK ((rule = 'contains_sku') = (trigger_product_id IS NOT NULL))
);
CREATE INDEX inserts_product ON inserts (merchant_id, product_id);
CREATE INDEX inserts_trigger ON inserts (merchant_id, trigger_product_id);

-- Set products (セット商品): a set is a product made of other products of
-- the same merchant, so many of each per set. An order line of a set
-- (is_set) carries the price and is never picked itself; its components
-- follow it as lines of their own (set_line_id), priced 0, which are
-- allocated, picked and inspected like any line.
CREATE TABLE product_components (
    merchant_id    BIGINT NOT NULL REFERENCES merchants (id),
    set_product_id BIGINT NOT NULL,
    component_id   BIGINT NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    PRIMARY KEY (set_product_id, component_id),
    FOREIGN KEY (merchant_id, set_product_id) REFERENCES products (merchant_id, id),
    FOREIGN KEY (merchant_id, component_id) REFERENCES products (merchant_id, id),
    CHECK (set_product_id <> component_id)
);
CREATE INDEX product_components_set ON product_components (merchant_id, set_product_id);
CREATE INDEX product_components_component ON product_components (merchant_id, component_id);

ALTER TABLE order_lines ADD COLUMN is_set BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE order_lines ADD COLUMN set_line_id BIGINT REFERENCES order_lines (id);
CREATE INDEX order_lines_set_line ON order_lines (set_line_id);
