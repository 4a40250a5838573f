package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// receivingLocation is where goods wait between the truck and the shelves.
func receivingLocation(tx *gorm.DB) (locationRow, error) {
	var loc locationRow
	err := tx.Where("kind = ?", string(soko.LocationReceiving)).Order("walk_sequence, id").Take(&loc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return loc, soko.Errorf(soko.ECONFLICT, "the warehouse has no receiving location").JA("入荷場所（receiving）のロケーションが登録されていません")
	}
	return loc, err
}

// Receive puts one scan's units on the receiving location and counts them
// against the inbound's line, in one transaction with the scan, so a scan
// sent twice is received once (the second time soko.ErrScanSeen).
func (db *DB) Receive(ctx context.Context, r *soko.Receipt) (soko.ReceiptResult, error) {
	now := db.now()
	var res soko.ReceiptResult
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: r.ScanID, StaffID: r.StaffID, Device: r.Device, Step: "receive", Code: r.Code}, now); err != nil {
			return err
		}
		loc, err := receivingLocation(tx)
		if err != nil {
			return err
		}
		if r.InboundID != 0 {
			if res, err = receiveOnInbound(tx, db.dialect, r, now); err != nil {
				return err
			}
		}
		var docID *int64
		if r.InboundID != 0 {
			docID = &r.InboundID
		}
		st, err := addStock(tx, loc.ID, r.ProductID, r.Lot, r.Expiry, r.Units)
		if err != nil {
			return err
		}
		return tx.Create(&stockMovementRow{StockID: st, Kind: string(soko.MoveReceive), OnHandDelta: r.Units, StaffID: nullID(r.StaffID),
			Reason: "receive", DocumentType: "inbound", DocumentID: docID, ScanID: &r.ScanID, CreatedAt: now}).Error
	})
	return res, err
}

// receiveOnInbound counts units against the inbound line of the product
// that soko.Receipt.CountAgainst names, and starts the inbound receiving.
func receiveOnInbound(tx *gorm.DB, dialect string, r *soko.Receipt, now time.Time) (soko.ReceiptResult, error) {
	var row inboundRow
	if err := lockForUpdate(tx, dialect).Where("id = ?", r.InboundID).Take(&row).Error; err != nil {
		return soko.ReceiptResult{}, err
	}
	var lines []inboundLineRow
	if err := tx.Where("inbound_id = ? AND product_id = ?", row.ID, r.ProductID).Order("id").Find(&lines).Error; err != nil {
		return soko.ReceiptResult{}, err
	}
	in := row.inbound()
	for _, l := range lines {
		in.Lines = append(in.Lines, soko.InboundLine{ID: l.ID, ProductID: l.ProductID, Quantity: l.Quantity, Received: l.Received, Lot: l.Lot, Expiry: fromNull(l.Expiry)})
	}
	target, res, err := r.CountAgainst(in)
	if err != nil {
		return res, err
	}
	if err := tx.Exec(`UPDATE inbound_lines SET received = received + ? WHERE id = ?`, r.Units, target.ID).Error; err != nil {
		return res, err
	}
	return res, tx.Model(&inboundRow{}).Where("id = ?", in.ID).
		Updates(map[string]any{"status": string(soko.InboundReceiving), "updated_at": now}).Error
}

// addStock adds units to the stock row of a product and lot at a location,
// making the row when there is none, and returns its id.
func addStock(tx *gorm.DB, locationID, productID int64, lot string, expiry time.Time, units int) (int64, error) {
	var row stockRow
	err := tx.Where("location_id = ? AND product_id = ? AND lot = ?", locationID, productID, lot).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = stockRow{LocationID: locationID, ProductID: productID, Lot: lot, Expiry: nullTime(expiry), OnHand: units}
		return row.ID, tx.Create(&row).Error
	} else if err != nil {
		return 0, err
	}
	updates := map[string]any{"on_hand": gorm.Expr("on_hand + ?", units)}
	if row.Expiry == nil && !expiry.IsZero() {
		updates["expiry"] = expiry.UTC()
	}
	return row.ID, tx.Model(&stockRow{}).Where("id = ?", row.ID).Updates(updates).Error
}

// FinishReceiving closes an inbound, as soko.Inbound.Finish decides.
func (db *DB) FinishReceiving(ctx context.Context, inboundID int64) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row inboundRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", inboundID).Take(&row).Error; err != nil {
			return err
		}
		in := row.inbound()
		if open, err := in.Finish(); !open || err != nil {
			return err
		}
		if err := tx.Model(&inboundRow{}).Where("id = ?", in.ID).
			Updates(map[string]any{"status": string(soko.InboundReceived), "updated_at": now}).Error; err != nil {
			return err
		}
		return queueMerchantEvent(tx, in.MerchantID, "inbound.received", map[string]any{"inbound_no": in.Number}, now)
	})
}

// OpsInbounds returns inbounds of every merchant for the floor, by expected
// date, with their merchant's code; status filters when set.
func (db *DB) OpsInbounds(ctx context.Context, status soko.InboundStatus, id int64) ([]*soko.Inbound, map[int64]string, error) {
	q := whereInboundStatus(db.conn(ctx).Order("expected_date, id"), status)
	switch {
	case id != 0:
		q = q.Where("id = ?", id)
	case status == "":
		q = q.Where("cancelled_at IS NULL") // the floor's list: what may still come
	}
	var rows []inboundRow
	if err := q.Limit(500).Find(&rows).Error; err != nil {
		return nil, nil, translate(err)
	}
	if id != 0 && len(rows) == 0 {
		return nil, nil, soko.Errorf(soko.ENOTFOUND, "no inbound %d", id).JA("入荷予定が見つかりません")
	}
	ins := make([]*soko.Inbound, len(rows))
	for i, r := range rows {
		ins[i] = r.inbound()
	}
	var ms []merchantRow
	if err := db.conn(ctx).Find(&ms).Error; err != nil {
		return nil, nil, translate(err)
	}
	codes := map[int64]string{}
	for _, m := range ms {
		codes[m.ID] = m.Code
	}
	return ins, codes, db.loadInboundLines(ctx, ins)
}
