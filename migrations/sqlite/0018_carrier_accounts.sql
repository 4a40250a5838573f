-- The warehouse's contracts with its carriers, and merchants' own where a
-- merchant ships on its own contract (issue 22): the values a carrier's
-- label software needs on every row (B2クラウド's 請求先顧客コード,
-- 請求先分類コード and 運賃管理番号) and the options that change the codes
-- soko writes (Sagawa's six time slots). merchant_id NULL is the
-- warehouse's own, used for every merchant without one of its own.

CREATE TABLE carrier_accounts (
    id             INTEGER PRIMARY KEY,
    merchant_id    INTEGER REFERENCES merchants (id),
    carrier        TEXT NOT NULL,
    billing_code   TEXT NOT NULL DEFAULT '',
    billing_class  TEXT NOT NULL DEFAULT '',
    freight_number TEXT NOT NULL DEFAULT '',
    six_slots      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX carrier_accounts_warehouse ON carrier_accounts (carrier) WHERE merchant_id IS NULL;
CREATE UNIQUE INDEX carrier_accounts_merchant ON carrier_accounts (merchant_id, carrier) WHERE merchant_id IS NOT NULL;
