-- The portal's optional second factor (issue 20): a portal user may add a
-- time-based one-time code (RFC 6238, an authenticator app) to the
-- password. The secret is stored as it is: soko has no server key to
-- encrypt it with. totp_last_step is the time step of the last code that
-- signed in, so a code works once. A password that is right for a user
-- with a second factor gives a short-lived challenge (stored only as a
-- hash), not a session. Recovery codes are stored only as hashes and work once.

ALTER TABLE portal_users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_users ADD COLUMN totp_pending_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE portal_users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE portal_users ADD COLUMN totp_challenge_hash TEXT;
ALTER TABLE portal_users ADD COLUMN totp_challenge_expires_at TIMESTAMPTZ;
CREATE UNIQUE INDEX totp_portal_users_challenge ON portal_users (totp_challenge_hash);

CREATE TABLE totp_recovery_codes (
    id             BIGSERIAL PRIMARY KEY,
    portal_user_id BIGINT NOT NULL REFERENCES portal_users(id),
    code_hash      TEXT NOT NULL,
    used_at        TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX totp_recovery_codes_user ON totp_recovery_codes (portal_user_id);
