-- Each API key's request budget, shared by every soko process on the
-- database (issue 18): a token bucket kept as the one time it will be full
-- again (the generic cell rate algorithm), so spending a request is one
-- upsert. full_at is in microseconds since the epoch; allowed is whether
-- the last request fitted, returned by the same statement.
--
-- UNLOGGED on PostgreSQL: every API request writes here, and a budget is not
-- worth a WAL flush (one hot key's upserts ran 5 times faster without it).
-- After a database crash the table comes back empty: every key's budget
-- whole, which is what a restart of the old per-process limiter did too.

CREATE UNLOGGED TABLE rate_budgets (
    bucket  TEXT PRIMARY KEY,
    full_at BIGINT NOT NULL,
    allowed BOOLEAN NOT NULL
);
