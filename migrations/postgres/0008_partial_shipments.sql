-- Orders in the console (issue 9): a merchant may allow a short order to
-- ship what was picked and send the rest later as a new order (分割出荷).

ALTER TABLE merchants ADD COLUMN allow_partial BOOLEAN NOT NULL DEFAULT FALSE;
