-- Shipping labels (issue 7): tracking-number ranges per carrier and
-- service, issued in a transaction so no number is ever given twice.

CREATE TABLE tracking_ranges (
    id           INTEGER PRIMARY KEY,
    carrier      TEXT NOT NULL,
    service      TEXT NOT NULL DEFAULT '',
    first_number INTEGER NOT NULL CHECK (first_number >= 0 AND first_number <= 99999999999),
    last_number  INTEGER NOT NULL CHECK (last_number >= first_number AND last_number <= 99999999999),
    next_number  INTEGER NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   DATETIME NOT NULL,
    CHECK (next_number >= first_number AND next_number <= last_number + 1)
);
CREATE UNIQUE INDEX tracking_ranges_active ON tracking_ranges (carrier, service) WHERE active;
