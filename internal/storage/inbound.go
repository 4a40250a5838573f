package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type inboundRow struct {
	ID           int64
	MerchantID   int64
	Number       string
	ExpectedDate *time.Time
	Reference    string
	Status       string
	CancelledAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ChangeSeq is set by the database on every write (migration 0024).
	ChangeSeq int64 `gorm:"->"`
}

func (inboundRow) TableName() string { return "inbounds" }

// whereInboundStatus keeps the inbounds in status; a cancelled inbound
// keeps the status column it had, and is cancelled by its cancelled_at.
func whereInboundStatus(q *gorm.DB, status soko.InboundStatus) *gorm.DB {
	switch status {
	case "":
		return q
	case soko.InboundCancelled:
		return q.Where("cancelled_at IS NOT NULL")
	}
	return q.Where("status = ? AND cancelled_at IS NULL", string(status))
}

type inboundLineRow struct {
	ID        int64
	InboundID int64
	ProductID int64
	Quantity  int
	Received  int
	Lot       string
	Expiry    *time.Time
}

func (inboundLineRow) TableName() string { return "inbound_lines" }

func (r inboundRow) inbound() *soko.Inbound {
	in := &soko.Inbound{
		ID: r.ID, MerchantID: r.MerchantID, Number: r.Number, ExpectedDate: fromNull(r.ExpectedDate), Reference: r.Reference,
		Status: soko.InboundStatus(r.Status), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		ChangeSeq: r.ChangeSeq,
	}
	if r.CancelledAt != nil {
		in.Status = soko.InboundCancelled
	}
	return in
}

// CreateInbound stores a merchant's advance shipping notice; its lines name
// products by SKU.
func (db *DB) CreateInbound(ctx context.Context, in *soko.Inbound) error {
	return db.CreateInbounds(ctx, []*soko.Inbound{in})
}

// CreateInbounds stores several notices of a merchant, as a file announces
// them, in one transaction: all of them or, on any error, none.
func (db *DB) CreateInbounds(ctx context.Context, ins []*soko.Inbound) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		for _, in := range ins {
			if err := createInbound(tx, in, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// createInbound stores one notice with its lines.
func createInbound(tx *gorm.DB, in *soko.Inbound, now time.Time) error {
	in.Status, in.CreatedAt, in.UpdatedAt = soko.InboundExpected, now, now
	row := inboundRow{MerchantID: in.MerchantID, Number: in.Number, ExpectedDate: nullTime(in.ExpectedDate), Reference: in.Reference, Status: string(in.Status), CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "inbound %s already exists", in.Number).JA("入荷予定 %s はすでに登録されています", in.Number).WithField("inbound_no", "exists")
		}
		return err
	}
	in.ID = row.ID
	return createInboundLines(tx, in)
}

// createInboundLines stores an inbound's lines, naming products by SKU.
func createInboundLines(tx *gorm.DB, in *soko.Inbound) error {
	skus := make([]string, len(in.Lines))
	for i, l := range in.Lines {
		skus[i] = l.SKU
	}
	products, err := productIDs(tx, in.MerchantID, skus)
	if err != nil {
		return err
	}
	for i := range in.Lines {
		l := &in.Lines[i]
		l.ProductID = products[l.SKU].ID
		lr := inboundLineRow{InboundID: in.ID, ProductID: l.ProductID, Quantity: l.Quantity, Lot: l.Lot, Expiry: nullTime(l.Expiry)}
		if err := tx.Create(&lr).Error; err != nil {
			return err
		}
		l.ID = lr.ID
	}
	return nil
}

// UpdateInbound replaces the expected date and the lines of a merchant's
// inbound that the warehouse has not started receiving.
func (db *DB) UpdateInbound(ctx context.Context, in *soko.Inbound) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		row, err := lockOpenInbound(tx, db.dialect, in.MerchantID, in.Number, "変更")
		if err != nil {
			return err
		}
		in.ID = row.ID
		if err := tx.Where("inbound_id = ?", row.ID).Delete(&inboundLineRow{}).Error; err != nil {
			return err
		}
		if err := createInboundLines(tx, in); err != nil {
			return err
		}
		return tx.Model(&inboundRow{}).Where("id = ?", row.ID).
			Updates(map[string]any{"expected_date": nullTime(in.ExpectedDate), "updated_at": now}).Error
	})
}

// CancelInbound cancels a merchant's inbound that the warehouse has not
// started receiving; a cancelled one stays as it is.
func (db *DB) CancelInbound(ctx context.Context, merchantID int64, number string) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		row, err := lockOpenInbound(tx, db.dialect, merchantID, number, "キャンセル")
		if soko.ErrorCode(err) == soko.ECONFLICT && row.CancelledAt != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.Model(&inboundRow{}).Where("id = ?", row.ID).Updates(map[string]any{"cancelled_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		// A purchase order is cancelled through its inbound notice (see
		// CancelPurchaseOrder): it must not stay "ordered" for goods that
		// will not come.
		return tx.Model(&purchaseOrderRow{}).Where("inbound_id = ? AND status = ?", row.ID, string(soko.PurchaseOrdered)).
			Update("status", string(soko.PurchaseCancelled)).Error
	})
}

// lockOpenInbound locks a merchant's inbound for a change (what, in
// Japanese, for the message), refusing one that receiving has started on or
// that was cancelled.
func lockOpenInbound(tx *gorm.DB, dialect string, merchantID int64, number, what string) (inboundRow, error) {
	var row inboundRow
	err := lockForUpdate(tx, dialect).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, soko.Errorf(soko.ENOTFOUND, "no inbound %s", number).JA("入荷予定 %s は見つかりません", number)
	} else if err != nil {
		return row, err
	}
	switch {
	case row.CancelledAt != nil:
		return row, soko.Errorf(soko.ECONFLICT, "inbound %s is cancelled", number).JA("入荷予定 %s はキャンセル済みのため%sできません", number, what)
	case row.Status != string(soko.InboundExpected):
		return row, soko.Errorf(soko.ECONFLICT, "the warehouse has started receiving inbound %s: ask the warehouse", number).
			JA("入荷予定 %s は倉庫で入荷作業が始まっているため%sできません。倉庫にご連絡ください", number, what)
	}
	return row, nil
}

// FindInbound returns a merchant's inbound with its lines, or ENOTFOUND.
func (db *DB) FindInbound(ctx context.Context, merchantID int64, number string) (*soko.Inbound, error) {
	var row inboundRow
	if err := db.conn(ctx).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no inbound %s", number).JA("入荷予定 %s は見つかりません", number)
		}
		return nil, translate(err)
	}
	ins := []*soko.Inbound{row.inbound()}
	return ins[0], db.loadInboundLines(ctx, ins)
}

// ListInbounds returns a page of the inbounds matching f, oldest first or in
// change order.
func (db *DB) ListInbounds(ctx context.Context, f soko.InboundFilter) ([]*soko.Inbound, error) {
	q := whereInboundStatus(db.conn(ctx).Table("inbounds").Where("merchant_id = ?", f.MerchantID), f.Status)
	if !f.CreatedSince.IsZero() {
		q = q.Where("created_at >= ?", f.CreatedSince.UTC())
	}
	if !f.CreatedBefore.IsZero() {
		q = q.Where("created_at < ?", f.CreatedBefore.UTC())
	}
	page := f.Page
	if page.InChangeOrder {
		q = db.inChangeOrder(q, page, "inbounds", "updated_at")
	} else {
		q = paged(q, page, "id", "updated_at")
	}
	var rows []inboundRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	ins := make([]*soko.Inbound, len(rows))
	for i, r := range rows {
		ins[i] = r.inbound()
	}
	return ins, db.loadInboundLines(ctx, ins)
}

func (db *DB) loadInboundLines(ctx context.Context, ins []*soko.Inbound) error {
	if len(ins) == 0 {
		return nil
	}
	byID, ids := index(ins, func(in *soko.Inbound) int64 { return in.ID })
	var rows []struct {
		ID, InboundID, ProductID int64
		SKU, Name                string
		TrackLot, TrackExpiry    bool
		Quantity, Received       int
		Lot                      string
		Expiry                   *time.Time
	}
	err := db.conn(ctx).Table("inbound_lines").
		Select("inbound_lines.id, inbound_lines.inbound_id, inbound_lines.product_id, products.sku, products.name, products.track_lot, products.track_expiry, inbound_lines.quantity, inbound_lines.received, inbound_lines.lot, inbound_lines.expiry").
		Joins("JOIN products ON products.id = inbound_lines.product_id").
		Where("inbound_lines.inbound_id IN ?", ids).Order("inbound_lines.id").Scan(&rows).Error
	if err != nil {
		return translate(err)
	}
	for _, r := range rows {
		in := byID[r.InboundID]
		in.Lines = append(in.Lines, soko.InboundLine{
			ID: r.ID, ProductID: r.ProductID, SKU: r.SKU, Name: r.Name, TrackLot: r.TrackLot, TrackExpiry: r.TrackExpiry,
			Quantity: r.Quantity, Received: r.Received,
			Lot: r.Lot, Expiry: fromNull(r.Expiry),
		})
	}
	return db.loadInboundReceipts(ctx, byID, ids)
}

// loadInboundReceipts adds to each inbound what the stock ledger says was
// received against it, per product and lot: the lines count units, the
// ledger knows which lot each unit was.
func (db *DB) loadInboundReceipts(ctx context.Context, byID map[int64]*soko.Inbound, ids []int64) error {
	var rows []struct {
		DocumentID, ProductID int64
		Lot                   string
		Units                 int
	}
	err := db.conn(ctx).Table("stock_movements").
		Select("stock_movements.document_id, stock.product_id, stock.lot, SUM(stock_movements.on_hand_delta) AS units").
		Joins("JOIN stock ON stock.id = stock_movements.stock_id").
		Where("stock_movements.document_type = ? AND stock_movements.document_id IN ? AND stock_movements.kind = ?", "inbound", ids, string(soko.MoveReceive)).
		Group("stock_movements.document_id, stock.product_id, stock.lot").
		Order("stock_movements.document_id, stock.product_id, stock.lot").Scan(&rows).Error
	if err != nil {
		return translate(err)
	}
	for _, r := range rows {
		in := byID[r.DocumentID]
		in.Receipts = append(in.Receipts, soko.InboundReceipt{ProductID: r.ProductID, Lot: r.Lot, Units: r.Units})
	}
	return nil
}

// InboundProducts returns a merchant's products, with their barcodes, that
// an inbound names by SKU (bySKU) or by barcode such as a JAN (byCode).
func (db *DB) InboundProducts(ctx context.Context, merchantID int64, skus, codes []string) (bySKU, byCode map[string]*soko.Product, err error) {
	bySKU, byCode = map[string]*soko.Product{}, map[string]*soko.Product{}
	var ids []int64
	if err := byChunk(codes, func(part []string) error {
		var rows []productBarcodeRow
		if err := db.conn(ctx).Where("merchant_id = ? AND code IN ?", merchantID, part).Find(&rows).Error; err != nil {
			return translate(err)
		}
		for _, r := range rows {
			ids = append(ids, r.ProductID)
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var ps []*soko.Product
	seen := map[int64]bool{}
	add := func(rows []productRow) {
		for _, r := range rows {
			if !seen[r.ID] {
				seen[r.ID] = true
				ps = append(ps, r.product())
			}
		}
	}
	if err := byChunk(skus, func(part []string) error {
		var rows []productRow
		err := db.conn(ctx).Where("merchant_id = ? AND sku IN ?", merchantID, part).Find(&rows).Error
		add(rows)
		return translate(err)
	}); err != nil {
		return nil, nil, err
	}
	if err := byChunk(ids, func(part []int64) error {
		var rows []productRow
		err := db.conn(ctx).Where("merchant_id = ? AND id IN ?", merchantID, part).Find(&rows).Error
		add(rows)
		return translate(err)
	}); err != nil {
		return nil, nil, err
	}
	if err := db.loadBarcodes(ctx, ps); err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		bySKU[p.SKU] = p
		for _, b := range p.Barcodes {
			byCode[b.Code] = p
		}
	}
	return bySKU, byCode, nil
}
