-- API keys limited to what a system needs (issue 18): scopes, a
-- comma-separated list of read, orders, products, inbounds, webhooks (empty:
-- every scope, as keys made before), and an optional expiry.

ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN expires_at DATETIME;
