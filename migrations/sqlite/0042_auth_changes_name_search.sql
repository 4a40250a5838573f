-- Staff sessions and API keys are kept a few seconds in each server's
-- memory (issue 17). Any change that could end or narrow one — a session
-- deleted, a staff member's name, role, PIN or activity changed, a key
-- revoked (not a key's time of last use, nor the count of wrong PINs,
-- which the cached copies do not act on) — counts in auth_changes; a
-- server reads the count before it trusts what it kept (on PostgreSQL,
-- pg_notify tells it instead). The triggers catch every writer, the
-- command line's `soko admin` included.
CREATE TABLE auth_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO auth_changes (id, n) VALUES (1, 0);

CREATE TRIGGER auth_changes_staff_update AFTER UPDATE OF badge_code, name, role, pin_hash, active ON staff
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_changes_staff_delete AFTER DELETE ON staff
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_changes_sessions_update AFTER UPDATE ON staff_sessions
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_changes_sessions_delete AFTER DELETE ON staff_sessions
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_changes_api_keys_update AFTER UPDATE OF merchant_id, hash, scopes, expires_at, revoked_at ON api_keys
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_changes_api_keys_delete AFTER DELETE ON api_keys
    BEGIN UPDATE auth_changes SET n = n + 1 WHERE id = 1; END;

-- PostgreSQL serves the console's customer search (a substring match) with
-- trigram indexes on expressions; SQLite has no trigram index and scans,
-- which its size allows. Expression indexes are outside the schema parity
-- test, like 0036's orders_number_search.
