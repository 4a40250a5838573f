-- Indexes for the pages a warehouse opens all day, so they keep their speed
-- as years of history pile up (issue 17; BenchmarkGrowth_Postgres measures
-- them at 10,000 and 100,000 orders): the dashboard reads the day's events,
-- scans by time (0032 indexes the stock moves by time), and the open
-- orders by status; an order's page finds the scans of its stock moves by
-- document.

CREATE INDEX orders_status_updated ON orders (status, updated_at);
DROP INDEX orders_status;
CREATE INDEX order_events_action ON order_events (action, created_at);
CREATE INDEX scan_events_created ON scan_events (created_at);
CREATE INDEX stock_movements_document ON stock_movements (document_type, document_id);
