-- Kitting tasks (集合包装, issue 19): a supervisor asks for so many units
-- of a set product to be assembled ahead of orders and put at a location;
-- a worker picks the components from their shelves, assembles the kits
-- and puts them away. Done, the components leave the books and the kit
-- units arrive as the set product's own stock, in one transaction with a
-- ledger line each way (document_type 'kitting_task').
CREATE TABLE kitting_tasks (
    id             INTEGER PRIMARY KEY,
    merchant_id    INTEGER NOT NULL REFERENCES merchants (id),
    set_product_id INTEGER NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    note           TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES staff (id),
    done_by        INTEGER REFERENCES staff (id),
    created_at     DATETIME NOT NULL,
    done_at        DATETIME,
    FOREIGN KEY (merchant_id, set_product_id) REFERENCES products (merchant_id, id)
);
CREATE INDEX kitting_tasks_set ON kitting_tasks (merchant_id, set_product_id);
CREATE INDEX kitting_tasks_location ON kitting_tasks (location_id);
CREATE INDEX kitting_tasks_created_by ON kitting_tasks (created_by);
CREATE INDEX kitting_tasks_done_by ON kitting_tasks (done_by);
CREATE INDEX kitting_tasks_status ON kitting_tasks (status, id);
