-- soko_auth_changed (0042) counted in, and named, the writer's schema
-- (current_schema()), not the changed table's. A writer whose search path
-- is not soko's — an administrator's psql updating soko.staff by its
-- qualified name — failed on auth_changes, or was heard by no server. The
-- count and the notification now follow the table, as soko_settings_changed
-- (0044) does.
CREATE OR REPLACE FUNCTION soko_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %I.auth_changes SET n = n + 1 WHERE id = 1', TG_TABLE_SCHEMA);
    PERFORM pg_notify('soko_auth', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;
