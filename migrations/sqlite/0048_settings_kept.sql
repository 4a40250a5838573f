-- Each server keeps the ship calendar, merchants' webhook endpoints and
-- the box types in memory (issue 17), on SQLite too. Every change to them
-- counts in settings_changes, whoever writes it (the command line's
-- `soko admin` included); a server reads the count once in each
-- transaction that uses what it kept, and forgets it when the count moved.
-- (PostgreSQL tells every server by pg_notify instead: 0044, 0047.)
CREATE TABLE settings_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO settings_changes (id, n) VALUES (1, 0);

CREATE TRIGGER settings_changes_ship_calendar_insert AFTER INSERT ON ship_calendar
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_ship_calendar_update AFTER UPDATE ON ship_calendar
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_ship_calendar_delete AFTER DELETE ON ship_calendar
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_company_holidays_insert AFTER INSERT ON company_holidays
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_company_holidays_update AFTER UPDATE ON company_holidays
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_company_holidays_delete AFTER DELETE ON company_holidays
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_transit_days_insert AFTER INSERT ON transit_days
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_transit_days_update AFTER UPDATE ON transit_days
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_transit_days_delete AFTER DELETE ON transit_days
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_webhook_endpoints_insert AFTER INSERT ON webhook_endpoints
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_webhook_endpoints_update AFTER UPDATE ON webhook_endpoints
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_webhook_endpoints_delete AFTER DELETE ON webhook_endpoints
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_box_types_insert AFTER INSERT ON box_types
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_box_types_update AFTER UPDATE ON box_types
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_changes_box_types_delete AFTER DELETE ON box_types
    BEGIN UPDATE settings_changes SET n = n + 1 WHERE id = 1; END;
