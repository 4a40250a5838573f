-- Staff sessions and API keys are kept a few seconds in each server's
-- memory (issue 17), so a scan or an order does not pay a round trip to
-- read its session or key. Any change that could end or narrow one — a
-- session deleted, a staff member's name, role, PIN or activity changed,
-- a key revoked (not a key's time of last use, nor the count of wrong
-- PINs, which the cached copies do not act on) — counts in auth_changes and tells every server at once through
-- pg_notify('soko_auth'), which empties their caches. The triggers catch
-- every writer, the command line's `soko admin` included.
CREATE TABLE auth_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO auth_changes (id, n) VALUES (1, 0);

CREATE FUNCTION soko_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_changes SET n = n + 1 WHERE id = 1;
    PERFORM pg_notify('soko_auth', current_schema());
    RETURN NULL;
END $$;

CREATE TRIGGER auth_changes_staff AFTER UPDATE OF badge_code, name, role, pin_hash, active OR DELETE ON staff
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
CREATE TRIGGER auth_changes_sessions AFTER UPDATE OR DELETE ON staff_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
CREATE TRIGGER auth_changes_api_keys AFTER UPDATE OF merchant_id, hash, scopes, expires_at, revoked_at OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();

-- The console's customer search is a substring match on the name and the
-- company without spaces (REPLACE(REPLACE(LOWER(…), ' ', ''), '　', '')
-- LIKE '%…%'), which no B-tree serves: trigram indexes do (283 ms at
-- 100,000 orders without them, see BENCHMARKS.md). pg_trgm is one
-- extension for the whole database, while soko's schema may be one of
-- several: it goes into public (where a DROP SCHEMA of soko's cannot take
-- it away), and a database where soko may not create it keeps searching
-- without the index.
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN insufficient_privilege OR undefined_file OR invalid_schema_name THEN
        RAISE NOTICE 'pg_trgm is not available: the customer search runs without its index';
        RETURN;
    END;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX orders_recipient_name_trgm ON orders USING gin ((REPLACE(REPLACE(LOWER(recipient_name), '' '', ''''), ''　'', '''')) %I.gin_trgm_ops)', ext_schema);
    EXECUTE format('CREATE INDEX orders_recipient_company_trgm ON orders USING gin ((REPLACE(REPLACE(LOWER(recipient_company), '' '', ''''), ''　'', '''')) %I.gin_trgm_ops)', ext_schema);
END $$;
