-- The audit log (issue 21): every privileged change — staff, PINs, API
-- keys, webhooks, holds, cancellations, count adjustments, manifest closes —
-- with who made it, when, from which device and address, and the target's
-- values before and after. Rows are written in the transaction of the
-- change itself and never updated. They hold ids, never customer names or
-- addresses, so the retention job that anonymises orders leaves them alone;
-- no foreign keys, so nothing they point at is held back by them.

CREATE TABLE audit_log (
    id                BIGSERIAL PRIMARY KEY,
    at                TIMESTAMPTZ NOT NULL,
    actor_kind        TEXT NOT NULL,
    actor_staff_id    BIGINT,
    actor_badge       TEXT NOT NULL DEFAULT '',
    actor_api_key_id  BIGINT,
    actor_merchant_id BIGINT,
    device            TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    action            TEXT NOT NULL,
    target_type       TEXT NOT NULL,
    target_id         BIGINT NOT NULL,
    before_json       TEXT NOT NULL DEFAULT '',
    after_json        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_badge, at);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
