-- SQLite servers now keep the ship calendar, webhook endpoints and box
-- types in memory too, and read a count of their changes before they
-- trust what they kept (issue 17). PostgreSQL servers hear of the changes
-- by notification (0044, 0047); the count is kept here as well, so both
-- databases hold the same tables and the same figure.
CREATE TABLE settings_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO settings_changes (id, n) VALUES (1, 0);

CREATE OR REPLACE FUNCTION soko_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %I.settings_changes SET n = n + 1 WHERE id = 1', TG_TABLE_SCHEMA);
    PERFORM pg_notify('soko_settings', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;
