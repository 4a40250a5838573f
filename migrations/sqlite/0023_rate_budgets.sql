-- Each API key's request budget, shared by every soko process on the
-- database (issue 18): a token bucket kept as the one time it will be full
-- again (the generic cell rate algorithm), so spending a request is one
-- upsert. full_at is in microseconds since the epoch; allowed is whether
-- the last request fitted, returned by the same statement.

CREATE TABLE rate_budgets (
    bucket  TEXT PRIMARY KEY,
    full_at INTEGER NOT NULL,
    allowed BOOLEAN NOT NULL
);
