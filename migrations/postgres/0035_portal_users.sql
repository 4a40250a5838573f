-- The merchant's own window (issue 20): a merchant's people sign in to
-- /portal with email and password. They are not warehouse staff: each
-- belongs to one merchant and sees only its data, as its API keys do.
-- Passwords are bcrypt hashes; wrong passwords make the account wait, as
-- wrong PINs make a badge wait. A password reset (or an invitation's first
-- password) is a one-time link whose token is stored only as a hash.

CREATE TABLE portal_users (
    id               BIGSERIAL PRIMARY KEY,
    merchant_id      BIGINT NOT NULL REFERENCES merchants(id),
    email            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL DEFAULT '',
    role             TEXT NOT NULL CHECK (role IN ('owner', 'staff', 'readonly')),
    password_hash    TEXT NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    wrong_login_at   TIMESTAMPTZ,
    reset_token_hash TEXT UNIQUE,
    reset_expires_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX portal_users_merchant ON portal_users (merchant_id);

CREATE TABLE portal_sessions (
    id             BIGSERIAL PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    portal_user_id BIGINT NOT NULL REFERENCES portal_users(id),
    csrf_token     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX portal_sessions_user ON portal_sessions (portal_user_id);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

-- What a portal user changes is audited under the user's id.
ALTER TABLE audit_log ADD COLUMN actor_portal_user_id BIGINT;
