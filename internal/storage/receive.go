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
// (receiptLine) and starts the inbound receiving.
func receiveOnInbound(tx *gorm.DB, dialect string, r *soko.Receipt, now time.Time) (soko.ReceiptResult, error) {
	var res soko.ReceiptResult
	var in inboundRow
	if err := lockForUpdate(tx, dialect).Where("id = ?", r.InboundID).Take(&in).Error; err != nil {
		return res, err
	}
	if in.MerchantID != r.MerchantID {
		return res, soko.Errorf(soko.EINVALID, "this product is another merchant's").JA("この商品は別の荷主の商品です")
	}
	if in.Status == string(soko.InboundReceived) {
		return res, soko.Errorf(soko.ECONFLICT, "inbound %s is already received", in.Number).JA("入荷予定 %s は入荷完了済みです", in.Number)
	}
	if in.CancelledAt != nil {
		return res, soko.Errorf(soko.ECONFLICT, "inbound %s was cancelled by the merchant: receive without it and tell the supervisor", in.Number).
			JA("入荷予定 %s は荷主がキャンセルしました。予定なしで入荷し、監督者に伝えてください", in.Number)
	}
	var lines []inboundLineRow
	if err := tx.Where("inbound_id = ? AND product_id = ?", in.ID, r.ProductID).Order("id").Find(&lines).Error; err != nil {
		return res, err
	}
	if len(lines) == 0 {
		return res, soko.Errorf(soko.EINVALID, "this product is not on inbound %s", in.Number).JA("この商品は入荷予定 %s にありません", in.Number)
	}
	target := receiptLine(lines, r.Lot)
	if err := tx.Exec(`UPDATE inbound_lines SET received = received + ? WHERE id = ?`, r.Units, target.ID).Error; err != nil {
		return res, err
	}
	if err := tx.Model(&inboundRow{}).Where("id = ?", in.ID).
		Updates(map[string]any{"status": string(soko.InboundReceiving), "updated_at": now}).Error; err != nil {
		return res, err
	}
	for _, l := range lines {
		res.Expected += l.Quantity
		res.Received += l.Received
	}
	res.Received += r.Units
	res.OverReceipt = res.Received > res.Expected
	return res, nil
}

// receiptLine is the line of an inbound that units of a product and lot
// count against: the line of the same lot, one with room left first, so an
// over-receipt of a lot stays on its own line (and the report says which
// lot came over, as the stock does); else a line with room; else the first.
func receiptLine(lines []inboundLineRow, lot string) inboundLineRow {
	pick := func(ok func(l inboundLineRow) bool) (inboundLineRow, bool) {
		for _, l := range lines {
			if ok(l) {
				return l, true
			}
		}
		return inboundLineRow{}, false
	}
	for _, ok := range []func(l inboundLineRow) bool{
		func(l inboundLineRow) bool { return l.Lot == lot && l.Received < l.Quantity },
		func(l inboundLineRow) bool { return l.Lot == lot },
		func(l inboundLineRow) bool { return l.Received < l.Quantity },
	} {
		if l, found := pick(ok); found {
			return l
		}
	}
	return lines[0]
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

// FinishReceiving closes an inbound: what arrived is what was received.
func (db *DB) FinishReceiving(ctx context.Context, inboundID int64) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var in inboundRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", inboundID).Take(&in).Error; err != nil {
			return err
		}
		if in.Status == string(soko.InboundReceived) {
			return nil
		}
		if in.CancelledAt != nil {
			return soko.Errorf(soko.ECONFLICT, "inbound %s was cancelled by the merchant", in.Number).JA("入荷予定 %s は荷主がキャンセルしました", in.Number)
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
