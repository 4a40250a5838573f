package storage

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type scanEventRow struct {
	ID         int64
	ScanID     *string
	StaffID    *int64
	Device     string
	Step       string
	Code       string
	Result     string
	Message    string
	OrderID    *int64
	StatusCode int
	Response   string
	CreatedAt  time.Time
}

func (scanEventRow) TableName() string { return "scan_events" }

// claimScan records a scan inside the transaction that applies it, so the
// scan and its effect stand or fall together; a scan id seen before ends
// the transaction with soko.ErrScanSeen.
func claimScan(tx *gorm.DB, e soko.ScanEvent, now time.Time) error {
	if e.ScanID == "" {
		return soko.Errorf(soko.EINVALID, "scan_id is required").JA("scan_id が必要です")
	}
	row := scanEventRow{ScanID: &e.ScanID, StaffID: nullID(e.StaffID), Device: e.Device, Step: e.Step, Code: e.Code, Result: "ok", OrderID: nullID(e.OrderID), CreatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.ErrScanSeen // the scan id is taken: this scan was applied before
		}
		return err
	}
	return nil
}

// deferScan is claimScan for a step that may let the scan's record wait
// for its answer: in a transaction InTransaction opened (a request's, which
// keeps the answer with SaveScanAnswer in the same transaction), the
// record is written once, with the answer, instead of claimed now and
// answered later. A scan sent again then finds the first's record when it
// writes its own, and its transaction ends there (soko.ErrScanSeen),
// undoing what it did; until the first commits, the retry waits for the
// first's locks (the task's row, the scan id's key).
func deferScan(ctx context.Context, tx *gorm.DB, e soko.ScanEvent, now time.Time) error {
	j, ok := ctx.Value(joinedKey{}).(*joined)
	if !ok || j.scan != nil || e.ScanID == "" {
		return claimScan(tx, e, now)
	}
	j.scan = &scanEventRow{ScanID: &e.ScanID, StaffID: nullID(e.StaffID), Device: e.Device, Step: e.Step, Code: e.Code, Result: "ok", OrderID: nullID(e.OrderID), CreatedAt: now}
	return nil
}

// writeScan writes the record of a scan that waited for its answer, with
// the pick that waited for it (deferTake), if any; a scan id seen before is
// soko.ErrScanSeen.
func (j *joined) writeScan() error {
	if j.scan == nil {
		return nil
	}
	row, take := j.scan, j.take
	j.scan, j.take = nil, nil
	if take != nil {
		return take.run(j.tx, row)
	}
	if err := j.tx.Create(row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.ErrScanSeen
		}
		return err
	}
	return nil
}

// pendingTake is a pick's statement on PostgreSQL that can wait for its
// scan's record: data-modifying CTEs (takeUnits' WITH s AS (UPDATE stock …
// RETURNING id), …; confirmLocation's task update) of which s says whether
// the change was made. refused is the error when it was not.
type pendingTake struct {
	sql     string
	args    map[string]any
	refused error
}

// run runs the take, with the scan's record when one waited for it, in
// one statement. The record's scan id seen before is soko.ErrScanSeen.
func (p pendingTake) run(tx *gorm.DB, scan *scanEventRow) error {
	sql := p.sql
	if scan != nil {
		sql += `, r AS (INSERT INTO scan_events (scan_id, staff_id, device, step, code, result, message, order_id, status_code, response, created_at)
			VALUES (@scan_id, @scan_staff, @scan_device, @scan_step, @scan_code, @scan_result, @scan_message, @scan_order, @scan_status, @scan_response, @scan_at))`
		p.args["scan_id"], p.args["scan_staff"], p.args["scan_device"], p.args["scan_step"] = scan.ScanID, scan.StaffID, scan.Device, scan.Step
		p.args["scan_code"], p.args["scan_result"], p.args["scan_message"], p.args["scan_order"] = scan.Code, scan.Result, scan.Message, scan.OrderID
		p.args["scan_status"], p.args["scan_response"], p.args["scan_at"] = scan.StatusCode, scan.Response, scan.CreatedAt
	}
	var taken []int64
	if err := tx.Raw(sql+` SELECT id FROM s`, p.args).Scan(&taken).Error; err != nil {
		var pg *pgconn.PgError
		if scan != nil && errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == "scan_events_scan_id_key" {
			return soko.ErrScanSeen
		}
		return err
	}
	if len(taken) != 1 {
		return p.refused
	}
	return nil
}

// FindScan returns a scan's first answer, or ENOTFOUND when the id is new.
func (db *DB) FindScan(ctx context.Context, scanID string) (*soko.ScanRecord, error) {
	var row scanEventRow
	if err := db.conn(ctx).Where("scan_id = ?", scanID).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	rec := &soko.ScanRecord{ScanID: scanID, Step: row.Step, Device: row.Device, StatusCode: row.StatusCode, Response: []byte(row.Response)}
	if row.StaffID != nil {
		rec.StaffID = *row.StaffID
	}
	return rec, nil
}

// SaveScanAnswer keeps the answer an applied scan gave, for its retries:
// with the scan's record, in one statement, when the record waited for it
// (deferScan).
func (db *DB) SaveScanAnswer(ctx context.Context, scanID string, status int, response []byte, message string) error {
	if j, ok := ctx.Value(joinedKey{}).(*joined); ok && j.scan != nil && *j.scan.ScanID == scanID {
		j.scan.StatusCode, j.scan.Response, j.scan.Message = status, string(response), message
		return translate(j.writeScan())
	}
	return db.writeOne(ctx, func(g *gorm.DB) error {
		return g.Model(&scanEventRow{}).Where("scan_id = ?", scanID).
			Updates(map[string]any{"status_code": status, "response": string(response), "message": message}).Error
	})
}

// RecordRefusedScan keeps a refused scan with its answer: supervisors see
// every mistake, and a retry of the same scan gets the same refusal.
func (db *DB) RecordRefusedScan(ctx context.Context, e soko.ScanEvent, status int, response []byte) error {
	row := scanEventRow{
		StaffID: nullID(e.StaffID), Device: e.Device, Step: e.Step, Code: e.Code, Result: e.Result,
		Message: e.Message, StatusCode: status, Response: string(response), CreatedAt: db.now(),
	}
	if e.ScanID != "" {
		row.ScanID = &e.ScanID
	}
	err := db.writeOne(ctx, func(g *gorm.DB) error { return g.Create(&row).Error })
	if soko.ErrorCode(err) == soko.ECONFLICT {
		return nil
	}
	return err
}
