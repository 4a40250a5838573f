-- On PostgreSQL each server keeps the ship calendar and webhook endpoints
-- in memory and empties that cache when auth_changes counts a change to
-- them (issue 17). SQLite reads them in process each time and keeps
-- nothing, so nothing needs counting here.
SELECT 1;
