-- Packing station (issue 6): units inspected per line, thin post-box
-- services on box types, and a log of every document printed.

ALTER TABLE order_lines ADD COLUMN inspected INTEGER NOT NULL DEFAULT 0 CHECK (inspected >= 0);

ALTER TABLE box_types ADD COLUMN thin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE box_types ADD COLUMN service TEXT NOT NULL DEFAULT '';

CREATE TABLE document_prints (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    document   TEXT NOT NULL CHECK (document IN ('slip', 'label', 'pick_list', 'handover')),
    staff_id   INTEGER REFERENCES staff(id),
    reprint    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DATETIME NOT NULL
);
CREATE INDEX document_prints_order ON document_prints (order_id);
