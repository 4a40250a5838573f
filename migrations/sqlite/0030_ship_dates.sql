-- Ship dates (issue 19). The warehouse calendar is one row: the
-- warehouse's prefecture (where transit days count from), its working
-- weekdays as seven 0/1 characters from Sunday, the cut-off in minutes
-- after midnight in Japan after which an order ships the next working day,
-- and whether public holidays are days off. Company holidays are its own
-- days off; transit_days holds the days set by hand per carrier and
-- destination prefecture (soko.DefaultTransitDays fills the rest).
CREATE TABLE ship_calendar (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    prefecture          TEXT NOT NULL DEFAULT '東京都',
    working_days        TEXT NOT NULL DEFAULT '0111110' CHECK (length(working_days) = 7),
    cut_off             INTEGER NOT NULL DEFAULT 900 CHECK (cut_off BETWEEN 0 AND 1439),
    public_holidays_off BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at          DATETIME
);
INSERT INTO ship_calendar (id) VALUES (1);

CREATE TABLE company_holidays (
    day  DATE PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE transit_days (
    carrier    TEXT NOT NULL,
    prefecture TEXT NOT NULL,
    days       INTEGER NOT NULL CHECK (days BETWEEN 0 AND 14),
    PRIMARY KEY (carrier, prefecture)
);

-- The planned ship date (出荷予定日): waves take an order on or after it.
-- NULL on orders from before ship dates, which waves take at once.
ALTER TABLE orders ADD COLUMN ship_date DATE;
CREATE INDEX orders_ship_date ON orders (status, ship_date);

-- Holds the merchant left too long (issue 19): listed on the dashboard
-- after hold_alert_days (0: never), and with hold_auto_free their reserved
-- stock goes back to the shelves then. hold_stock_freed marks a held
-- order whose stock went back: it is not allocated again until released.
ALTER TABLE merchants ADD COLUMN hold_alert_days INTEGER NOT NULL DEFAULT 7 CHECK (hold_alert_days BETWEEN 0 AND 365);
ALTER TABLE merchants ADD COLUMN hold_auto_free BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN hold_stock_freed BOOLEAN NOT NULL DEFAULT FALSE;
