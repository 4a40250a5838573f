-- Sign-in that resists guessing (issue 21): when a badge's last wrong PIN
-- came, so old slips are forgotten; devices a staff member signed in on
-- (the soko_device cookie, stored hashed), which stay usable while the
-- badge is locked elsewhere; and fixed-window counters shared by every soko
-- process on the database, for per-address and global limits.

ALTER TABLE staff ADD COLUMN wrong_pin_at TIMESTAMPTZ;

CREATE TABLE staff_devices (
    id           BIGSERIAL PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff(id),
    token_hash   TEXT NOT NULL,
    failed_pins  INTEGER NOT NULL DEFAULT 0,
    last_used_at TIMESTAMPTZ NOT NULL,
    UNIQUE (token_hash, staff_id)
);

CREATE TABLE rate_windows (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
