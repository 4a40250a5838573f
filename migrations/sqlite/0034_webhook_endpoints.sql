-- Several webhook endpoints per merchant (issue 18), each with its own
-- events and secret: a merchant's shop system, its stock connector and its
-- support desk each subscribe to what they need. Every webhook message in
-- the outbox is for one endpoint; an event several endpoints want is queued
-- once per endpoint. Messages queued before this change were for the
-- merchant's one endpoint.

DROP INDEX webhook_endpoints_merchant;
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id);

-- A message whose endpoint is removed keeps its history; its endpoint_id
-- becomes NULL, and a message without an endpoint is not sent.
ALTER TABLE outbox ADD COLUMN endpoint_id INTEGER REFERENCES webhook_endpoints(id) ON DELETE SET NULL;
UPDATE outbox SET endpoint_id = (SELECT w.id FROM webhook_endpoints w WHERE w.merchant_id = outbox.merchant_id)
    WHERE channel = 'webhook';
CREATE INDEX outbox_endpoint ON outbox (endpoint_id);
