package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type productRow struct {
	ID           int64
	MerchantID   int64
	SKU          string `gorm:"column:sku"`
	Name         string
	Price        int64
	TaxRate      int
	WeightGrams  int
	LengthMM     int `gorm:"column:length_mm"`
	WidthMM      int `gorm:"column:width_mm"`
	HeightMM     int `gorm:"column:height_mm"`
	TrackLot     bool
	TrackExpiry  bool
	ReorderPoint int
	StockBuffer  *int // nil: the merchant's default
	LowSince     *time.Time
	OutSince     *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ArchivedAt   *time.Time
}

func (productRow) TableName() string { return "products" }

// archivedAt is when p is archived after a put at now, as it was before.
func archivedAt(p *soko.Product, before *time.Time, now time.Time) *time.Time {
	switch {
	case p.Archive == nil:
		return before
	case !*p.Archive:
		return nil
	case before != nil:
		return before
	}
	return &now
}

type productBarcodeRow struct {
	ID           int64
	MerchantID   int64
	ProductID    int64
	Code         string
	PackQuantity int
}

func (productBarcodeRow) TableName() string { return "product_barcodes" }

// createProduct stores a merchant's product and its barcodes and sets its ID.
func createProduct(tx *gorm.DB, p *soko.Product, now time.Time) error {
	p.UpdatedAt = now
	row := productRow{
		MerchantID: p.MerchantID, SKU: p.SKU, Name: p.Name, Price: p.Price, TaxRate: p.TaxRate,
		WeightGrams: p.WeightGrams, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM,
		TrackLot: p.TrackLot, TrackExpiry: p.TrackExpiry, ReorderPoint: p.ReorderPoint, StockBuffer: p.StockBuffer, CreatedAt: now, UpdatedAt: now,
		OutSince:   &now, // a new product has nothing: its first units are not a recovery to alert about
		ArchivedAt: archivedAt(p, nil, now),
	}
	if p.ReorderPoint > 0 {
		row.LowSince = &now
	}
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "product %s already exists", p.SKU).JA("商品 %s はすでに登録されています", p.SKU)
		}
		return err
	}
	p.ID = row.ID
	if err := noteProducts(tx, p.ID); err != nil {
		return err
	}
	if err := putComponents(tx, p); err != nil {
		return err
	}
	for _, b := range p.Barcodes {
		br := productBarcodeRow{MerchantID: p.MerchantID, ProductID: p.ID, Code: b.Code, PackQuantity: b.PackQuantity}
		if err := tx.Create(&br).Error; err != nil {
			if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
				return soko.Errorf(soko.ECONFLICT, "barcode %s is already used by another product", b.Code).
					JA("バーコード %s は別の商品で使われています", b.Code)
			}
			return err
		}
	}
	return nil
}

func (r productRow) product() *soko.Product {
	return &soko.Product{
		ID: r.ID, MerchantID: r.MerchantID, SKU: r.SKU, Name: r.Name, Price: r.Price, TaxRate: r.TaxRate,
		WeightGrams: r.WeightGrams, LengthMM: r.LengthMM, WidthMM: r.WidthMM, HeightMM: r.HeightMM,
		TrackLot: r.TrackLot, TrackExpiry: r.TrackExpiry, ReorderPoint: r.ReorderPoint, StockBuffer: r.StockBuffer,
		UpdatedAt: r.UpdatedAt.UTC(), Archived: r.ArchivedAt != nil,
	}
}

// PutProduct creates a merchant's product, or replaces the one with its SKU,
// barcodes included; created tells which. A barcode another of the
// merchant's products has is ECONFLICT naming that product.
func (db *DB) PutProduct(ctx context.Context, p *soko.Product) (created bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row productRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND sku = ?", p.MerchantID, p.SKU).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := checkBarcodesFree(tx, p, 0); err != nil {
				return err
			}
			created = true
			p.ReorderPoint = max(p.ReorderPoint, 0)
			return createProduct(tx, p, now)
		case err != nil:
			return err
		}
		p.ID = row.ID
		if err := checkBarcodesFree(tx, p, row.ID); err != nil {
			return err
		}
		if p.ReorderPoint == soko.KeepReorderPoint {
			p.ReorderPoint = row.ReorderPoint
		}
		if p.KeepStockBuffer {
			p.StockBuffer = row.StockBuffer
		}
		p.UpdatedAt = now
		var buffer any // NULL: the merchant's default
		if p.StockBuffer != nil {
			buffer = *p.StockBuffer
		}
		err = tx.Model(&productRow{}).Where("id = ?", row.ID).Updates(map[string]any{
			"name": p.Name, "price": p.Price, "tax_rate": p.TaxRate, "weight_grams": p.WeightGrams,
			"length_mm": p.LengthMM, "width_mm": p.WidthMM, "height_mm": p.HeightMM,
			"track_lot": p.TrackLot, "track_expiry": p.TrackExpiry, "reorder_point": p.ReorderPoint,
			"stock_buffer": buffer, "updated_at": now, "archived_at": archivedAt(p, row.ArchivedAt, now),
		}).Error
		if err != nil {
			return err
		}
		if !equalBuffers(p.StockBuffer, row.StockBuffer) || p.ReorderPoint != row.ReorderPoint {
			if err := noteProducts(tx, row.ID); err != nil {
				return err
			}
		}
		if err := tx.Where("product_id = ?", row.ID).Delete(&productBarcodeRow{}).Error; err != nil {
			return err
		}
		for _, b := range p.Barcodes {
			br := productBarcodeRow{MerchantID: p.MerchantID, ProductID: row.ID, Code: b.Code, PackQuantity: b.PackQuantity}
			if err := tx.Create(&br).Error; err != nil {
				return err
			}
		}
		return putComponents(tx, p)
	})
	return created, err
}

// checkBarcodesFree refuses barcodes that scan as another of the merchant's products.
func checkBarcodesFree(tx *gorm.DB, p *soko.Product, self int64) error {
	if len(p.Barcodes) == 0 {
		return nil
	}
	codes := make([]string, len(p.Barcodes))
	for i, b := range p.Barcodes {
		codes[i] = b.Code
	}
	var taken []struct {
		Code string
		SKU  string
	}
	err := tx.Table("product_barcodes").Select("product_barcodes.code, products.sku").
		Joins("JOIN products ON products.id = product_barcodes.product_id").
		Where("product_barcodes.merchant_id = ? AND product_barcodes.code IN ? AND product_barcodes.product_id <> ?", p.MerchantID, codes, self).
		Scan(&taken).Error
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		return soko.Errorf(soko.ECONFLICT, "barcode %s is already used by product %s", taken[0].Code, taken[0].SKU).
			JA("バーコード %s はすでに商品 %s で使われています", taken[0].Code, taken[0].SKU).WithField("barcodes", taken[0].SKU)
	}
	return nil
}

// FindProduct returns a merchant's product by SKU with its barcodes, or ENOTFOUND.
func (db *DB) FindProduct(ctx context.Context, merchantID int64, sku string) (*soko.Product, error) {
	var row productRow
	if err := db.conn(ctx).Where("merchant_id = ? AND sku = ?", merchantID, sku).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no product %s", sku).JA("商品 %s は見つかりません", sku)
		}
		return nil, translate(err)
	}
	ps := []*soko.Product{row.product()}
	if err := db.loadComponents(ctx, ps); err != nil {
		return nil, err
	}
	return ps[0], db.loadBarcodes(ctx, ps)
}

// ListProducts returns a page of a merchant's products, oldest first;
// archived ones only when withArchived is set.
func (db *DB) ListProducts(ctx context.Context, merchantID int64, withArchived bool, page soko.Page) ([]*soko.Product, error) {
	var rows []productRow
	q := db.conn(ctx).Where("merchant_id = ?", merchantID)
	if !withArchived {
		q = q.Where("archived_at IS NULL")
	}
	q = paged(q, page, "id", "updated_at")
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	ps := make([]*soko.Product, len(rows))
	for i, r := range rows {
		ps[i] = r.product()
	}
	if err := db.loadComponents(ctx, ps); err != nil {
		return nil, err
	}
	return ps, db.loadBarcodes(ctx, ps)
}

func (db *DB) loadBarcodes(ctx context.Context, ps []*soko.Product) error {
	if len(ps) == 0 {
		return nil
	}
	byID, ids := index(ps, func(p *soko.Product) int64 { return p.ID })
	var rows []productBarcodeRow
	if err := db.conn(ctx).Where("product_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return translate(err)
	}
	for _, r := range rows {
		p := byID[r.ProductID]
		p.Barcodes = append(p.Barcodes, soko.ProductBarcode{Code: r.Code, PackQuantity: r.PackQuantity})
	}
	return nil
}

// orderableProducts maps the SKUs of an order's lines to the merchant's
// products as productIDs does, and refuses archived ones, naming each line.
func orderableProducts(tx *gorm.DB, merchantID int64, skus []string) (map[string]productRow, error) {
	found, err := productIDs(tx, merchantID, skus)
	if err != nil {
		return nil, err
	}
	var bad *soko.Error
	for i, sku := range skus {
		if found[sku].ArchivedAt != nil {
			if bad == nil {
				bad = soko.Errorf(soko.EINVALID, "product %s is archived", sku).JA("商品 %s は取扱終了（アーカイブ済み）です", sku)
			}
			bad.WithField(fmt.Sprintf("lines[%d].sku", i), "archived product "+sku+" / 取扱終了の商品です")
		}
	}
	if bad != nil {
		return nil, bad
	}
	return found, nil
}

// productsRead returns the products of skus the transaction of tx read
// with ProductsBySKU, if it read every one.
func productsRead(tx *gorm.DB, merchantID int64, skus []string) ([]productRow, bool) {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil, false
	}
	notes, _ := tx.Statement.Context.Value(txNotesKey{}).(*txNotes)
	if notes == nil || notes.products[merchantID] == nil {
		return nil, false
	}
	rows := make([]productRow, 0, len(skus))
	for _, sku := range skus {
		r, ok := notes.products[merchantID][sku]
		if !ok {
			return nil, false
		}
		rows = append(rows, r)
	}
	return rows, true
}

// productIDs maps the SKUs of a document's lines to the merchant's
// products; unknown SKUs are an EINVALID naming each line (lines[i].sku), so
// one answer lists every bad line.
// Products the transaction read already (ProductsBySKU, for the order's
// prices) are not read again.
func productIDs(tx *gorm.DB, merchantID int64, skus []string) (map[string]productRow, error) {
	rows, ok := productsRead(tx, merchantID, skus)
	if !ok {
		if err := tx.Where("merchant_id = ? AND sku IN ?", merchantID, skus).Find(&rows).Error; err != nil {
			return nil, err
		}
	}
	found := make(map[string]productRow, len(rows))
	for _, r := range rows {
		found[r.SKU] = r
	}
	var bad *soko.Error
	for i, sku := range skus {
		if _, ok := found[sku]; !ok {
			if bad == nil {
				bad = soko.Errorf(soko.EINVALID, "unknown product %s", sku).JA("商品 %s は登録されていません", sku)
			}
			bad.WithField(fmt.Sprintf("lines[%d].sku", i), "unknown SKU "+sku+" / 未登録の商品です")
		}
	}
	if bad != nil {
		return nil, bad
	}
	return found, nil
}

func equalBuffers(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
