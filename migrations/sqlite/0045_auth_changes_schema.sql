-- On PostgreSQL, 0045 makes the auth triggers count in and name the
-- changed table's schema. SQLite has one schema: nothing to do here.
SELECT 1;
