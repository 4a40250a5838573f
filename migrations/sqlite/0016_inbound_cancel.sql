-- Inbound notices can be cancelled before receiving starts (issue 18). A
-- cancelled inbound keeps the status it had (expected) and gets this time;
-- soko reports it as cancelled and the floor no longer receives against it.

ALTER TABLE inbounds ADD COLUMN cancelled_at DATETIME;
