-- The merchant's own reference for an inbound notice (issue 20): their
-- supplier's delivery note or purchase number, printed on the inbound sheet
-- so the receiver can match the notice with the paper on the boxes.
ALTER TABLE inbounds ADD COLUMN reference TEXT NOT NULL DEFAULT '';
