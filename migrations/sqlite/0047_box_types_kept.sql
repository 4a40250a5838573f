-- On PostgreSQL each server keeps the box types in memory and hears of
-- changes to them by notification (issue 17). SQLite reads them in
-- process each time and keeps nothing: nothing to do here.
SELECT 1;
