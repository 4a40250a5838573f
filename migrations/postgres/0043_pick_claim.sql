-- A picker asking for work claims the head of the next unclaimed pick
-- list (issue 17). The claim walks the released waves in priority order
-- (waves_released) and, within each, the unclaimed open tasks in walk
-- order (pick_tasks_unclaimed), checking that a task heads its list
-- (pick_tasks_open_list): a few index entries per wave, not every open
-- task of every wave.
CREATE INDEX pick_tasks_unclaimed ON pick_tasks (wave_id, sequence, id) WHERE staff_id IS NULL AND status = 'open';
CREATE INDEX pick_tasks_open_list ON pick_tasks (pick_list, sequence, id) WHERE status = 'open';
CREATE INDEX waves_released ON waves (priority DESC, id) WHERE status = 'released';
