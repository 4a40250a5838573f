-- Each server keeps the ship calendar and merchants' webhook endpoints in
-- memory beside the sessions and API keys (issue 17): nearly every order
-- and every status change reads them, an administrator seldom changes
-- them. A change counts in auth_changes and empties every server's cache
-- through pg_notify('soko_auth'), as 0042's triggers do for sessions and
-- keys, whoever writes it.
CREATE TRIGGER auth_changes_ship_calendar AFTER INSERT OR UPDATE OR DELETE ON ship_calendar
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
CREATE TRIGGER auth_changes_company_holidays AFTER INSERT OR UPDATE OR DELETE ON company_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
CREATE TRIGGER auth_changes_transit_days AFTER INSERT OR UPDATE OR DELETE ON transit_days
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
CREATE TRIGGER auth_changes_webhook_endpoints AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION soko_auth_changed();
