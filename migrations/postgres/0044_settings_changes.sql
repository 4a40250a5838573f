-- Each server keeps the ship calendar and merchants' webhook endpoints in
-- memory beside the sessions and API keys (issue 17): nearly every order
-- and every status change reads them, an administrator seldom changes
-- them. A change tells every server at once through
-- pg_notify('soko_settings'), which empties those entries (not the
-- sessions and keys), whoever writes it. The notification names the
-- table's schema, which servers compare with theirs.
CREATE FUNCTION soko_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('soko_settings', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

CREATE TRIGGER settings_changes_ship_calendar AFTER INSERT OR UPDATE OR DELETE ON ship_calendar
    FOR EACH STATEMENT EXECUTE FUNCTION soko_settings_changed();
CREATE TRIGGER settings_changes_company_holidays AFTER INSERT OR UPDATE OR DELETE ON company_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION soko_settings_changed();
CREATE TRIGGER settings_changes_transit_days AFTER INSERT OR UPDATE OR DELETE ON transit_days
    FOR EACH STATEMENT EXECUTE FUNCTION soko_settings_changed();
CREATE TRIGGER settings_changes_webhook_endpoints AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION soko_settings_changed();
