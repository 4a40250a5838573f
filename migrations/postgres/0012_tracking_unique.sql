-- A tracking number names one parcel whatever its carrier (issue 22): the
-- dock loads a parcel by the number alone and a search finds an order by
-- it. The per-carrier UNIQUE (carrier, tracking_number) of 0001 stays, as
-- SQLite cannot drop a table constraint; this index is the stronger rule
-- and replaces 0007's plain index on the column. A database that holds one
-- number on two carriers' parcels stops here: `soko check` lists them.
DROP INDEX parcels_tracking;
CREATE UNIQUE INDEX parcels_tracking_number ON parcels (tracking_number);
