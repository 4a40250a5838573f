-- Why an order is on hold, which decides who releases it (issue 19): the
-- merchant its own holds (payment_pending: 入金待ち; merchant: a reason of
-- its own), the warehouse its supervisors' (warehouse). Orders held
-- before holds had reasons were held by supervisors.

ALTER TABLE orders ADD COLUMN hold_reason TEXT NOT NULL DEFAULT ''
    CHECK (hold_reason IN ('', 'payment_pending', 'merchant', 'warehouse'));
ALTER TABLE orders ADD COLUMN hold_note TEXT NOT NULL DEFAULT '';
UPDATE orders SET hold_reason = 'warehouse' WHERE status = 'on_hold';
