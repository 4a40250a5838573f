-- The stock change feed and channel buffers (issue 15).
--
-- Every change of a product's published figures gets the next number of
-- its merchant's sequence. The number comes from the merchant's counter
-- row, updated in the transaction that changes the stock, so the row stays
-- locked until that transaction commits: the next change of the merchant
-- waits, and a reader never sees number N+1 committed before N.

-- Units kept back from the sales channels (安全在庫): a product's own
-- figure, or when NULL the merchant's default.
ALTER TABLE merchants ADD COLUMN stock_buffer INTEGER NOT NULL DEFAULT 0 CHECK (stock_buffer >= 0);
ALTER TABLE products ADD COLUMN stock_buffer INTEGER CHECK (stock_buffer >= 0);

CREATE TABLE stock_feed_counters (
    merchant_id INTEGER PRIMARY KEY REFERENCES merchants(id),
    last_seq    INTEGER NOT NULL
);

-- One line per change, with the product's figures after it.
CREATE TABLE stock_changes (
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    seq         INTEGER NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    on_hand     INTEGER NOT NULL,
    allocated   INTEGER NOT NULL,
    held        INTEGER NOT NULL,
    buffer      INTEGER NOT NULL,
    sellable    INTEGER NOT NULL CHECK (sellable >= 0),
    changed_at  DATETIME NOT NULL,
    PRIMARY KEY (merchant_id, seq)
);
CREATE INDEX stock_changes_product ON stock_changes (product_id, seq);

-- A stock.changed webhook not yet sent is brought up to date rather than
-- followed by another: the product tells which.
ALTER TABLE outbox ADD COLUMN product_id INTEGER REFERENCES products(id);
CREATE INDEX outbox_product ON outbox (product_id);

-- Every product starts the feed with its figures today, so a connector
-- that reads from the start gets every product once.
INSERT INTO stock_changes (merchant_id, seq, product_id, on_hand, allocated, held, buffer, sellable, changed_at)
SELECT f.merchant_id, ROW_NUMBER() OVER (PARTITION BY f.merchant_id ORDER BY f.product_id), f.product_id,
       f.on_hand, f.allocated, f.held, 0, MAX(0, f.on_hand - f.allocated - f.held), strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000Z'
FROM (SELECT p.merchant_id, p.id AS product_id,
             COALESCE(SUM(s.on_hand), 0) AS on_hand, COALESCE(SUM(s.allocated), 0) AS allocated,
             COALESCE(SUM(CASE WHEN l.kind NOT IN ('pick', 'reserve')
                                 OR EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = l.id AND ct.done_at IS NULL)
                               THEN s.on_hand - s.allocated ELSE 0 END), 0) AS held
      FROM products p LEFT JOIN stock s ON s.product_id = p.id LEFT JOIN locations l ON l.id = s.location_id
      GROUP BY p.merchant_id, p.id) f;

INSERT INTO stock_feed_counters (merchant_id, last_seq)
SELECT merchant_id, MAX(seq) FROM stock_changes GROUP BY merchant_id;
