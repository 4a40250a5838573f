-- Each PostgreSQL server keeps the box types in memory beside the ship
-- calendar and webhook endpoints (issue 17): every packing station view
-- and every pack reads them, an administrator seldom changes them. A
-- change tells every server through soko_settings (0044), whoever writes
-- it.
CREATE TRIGGER settings_changes_box_types AFTER INSERT OR UPDATE OR DELETE ON box_types
    FOR EACH STATEMENT EXECUTE FUNCTION soko_settings_changed();
