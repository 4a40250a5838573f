-- Handover and notifications (issue 8): manifests per carrier and pickup,
-- when each parcel was labelled and loaded, the parcels a manifest closed
-- without (confirmed by a supervisor), every print of a handover list, and
-- each merchant's shipment email template.

ALTER TABLE manifests ADD COLUMN pickup_time TEXT NOT NULL DEFAULT '';
ALTER TABLE manifests ADD COLUMN opened_by INTEGER REFERENCES staff(id);
ALTER TABLE manifests ADD COLUMN confirmed_by INTEGER REFERENCES staff(id);
CREATE UNIQUE INDEX manifests_open ON manifests (carrier, pickup_date, pickup_time) WHERE status = 'open';

ALTER TABLE parcels ADD COLUMN labeled_at DATETIME;
ALTER TABLE parcels ADD COLUMN loaded_at DATETIME;
CREATE INDEX parcels_manifest ON parcels (manifest_id);
CREATE INDEX parcels_waiting ON parcels (carrier) WHERE handed_over_at IS NULL;
CREATE INDEX parcels_tracking ON parcels (tracking_number);

CREATE TABLE manifest_missing (
    id          INTEGER PRIMARY KEY,
    manifest_id INTEGER NOT NULL REFERENCES manifests(id),
    parcel_id   INTEGER NOT NULL REFERENCES parcels(id),
    UNIQUE (manifest_id, parcel_id)
);

CREATE TABLE manifest_prints (
    id          INTEGER PRIMARY KEY,
    manifest_id INTEGER NOT NULL REFERENCES manifests(id),
    staff_id    INTEGER REFERENCES staff(id),
    reprint     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  DATETIME NOT NULL
);
CREATE INDEX manifest_prints_manifest ON manifest_prints (manifest_id);

ALTER TABLE merchants ADD COLUMN email_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE merchants ADD COLUMN email_body TEXT NOT NULL DEFAULT '';
