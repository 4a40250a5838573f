-- Indexes for the foreign keys soko looks rows up by (issue 23 point 8):
-- an inbound's lines, a pick task's allocation and location, a picker's
-- tasks, an order's outbox messages and scans, a member's sessions and
-- trusted devices, a merchant's keys, the order lines and inbound lines of
-- a product, a shelf's count tasks, and a manifest's missing parcels.

CREATE INDEX inbound_lines_inbound ON inbound_lines (inbound_id);
CREATE INDEX inbound_lines_product ON inbound_lines (product_id);
CREATE INDEX pick_tasks_allocation ON pick_tasks (allocation_id);
CREATE INDEX pick_tasks_location ON pick_tasks (location_id);
CREATE INDEX pick_tasks_staff ON pick_tasks (staff_id, status);
CREATE INDEX outbox_order ON outbox (order_id);
CREATE INDEX scan_events_order ON scan_events (order_id);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
CREATE INDEX staff_devices_staff ON staff_devices (staff_id);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);
CREATE INDEX order_lines_product ON order_lines (product_id);
CREATE INDEX count_tasks_location ON count_tasks (location_id);
CREATE INDEX manifest_missing_parcel ON manifest_missing (parcel_id);
