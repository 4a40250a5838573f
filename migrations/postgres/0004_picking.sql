-- Waves and handheld picking (issue 5): how a wave is picked, which pick
-- list a task belongs to (a whole batch wave, or one order), where a picker
-- stands in a task, and the count tasks a short pick leaves behind.

ALTER TABLE waves ADD COLUMN mode TEXT NOT NULL DEFAULT 'batch' CHECK (mode IN ('single', 'batch'));
ALTER TABLE waves ADD COLUMN done_at TIMESTAMPTZ;

ALTER TABLE pick_tasks ADD COLUMN order_id BIGINT REFERENCES orders(id);
ALTER TABLE pick_tasks ADD COLUMN pick_list TEXT NOT NULL DEFAULT '';
ALTER TABLE pick_tasks ADD COLUMN location_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pick_tasks ADD COLUMN claimed_at TIMESTAMPTZ;
ALTER TABLE pick_tasks ADD COLUMN done_at TIMESTAMPTZ;
CREATE INDEX pick_tasks_open ON pick_tasks (status, staff_id, pick_list, sequence);
CREATE INDEX pick_tasks_order ON pick_tasks (order_id);

CREATE TABLE count_tasks (
    id          BIGSERIAL PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations(id),
    reason      TEXT NOT NULL,
    staff_id    BIGINT REFERENCES staff(id),
    created_at  TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ
);
CREATE INDEX count_tasks_open ON count_tasks (done_at, location_id);
