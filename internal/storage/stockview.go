package storage

import (
	"context"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// StockPlaces returns the stock rows f names — a location's contents, or a
// product's stock in every location — with something on hand, by location
// walk order.
func (db *DB) StockPlaces(ctx context.Context, f soko.StockFilter) ([]soko.StockPlace, error) {
	if f.Location == "" && f.SKU == "" {
		return nil, soko.Errorf(soko.EINVALID, "give a location or a SKU").JA("ロケーションか商品コードを指定してください")
	}
	q := db.conn(ctx).Table("stock s").Joins("JOIN locations l ON l.id = s.location_id").
		Joins("JOIN products p ON p.id = s.product_id").Joins("JOIN merchants m ON m.id = p.merchant_id").
		Select(`s.id, s.location_id, s.product_id, s.lot, s.expiry, s.on_hand, s.allocated, l.code AS location, m.code AS merchant, p.sku, p.name,
			(l.kind NOT IN ('pick', 'reserve') OR EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = l.id AND ct.done_at IS NULL)) AS held,
			COALESCE((SELECT MIN(c.id) FROM count_tasks c WHERE c.location_id = s.location_id AND c.done_at IS NULL), 0) AS count_task_id`).
		Where("s.on_hand > 0")
	if f.Location != "" {
		q = q.Where("l.code = ?", f.Location)
	}
	if f.SKU != "" {
		q = q.Where("p.sku = ?", f.SKU)
	}
	if f.MerchantID != 0 {
		q = q.Where("p.merchant_id = ?", f.MerchantID)
	}
	var rows []struct {
		ID, LocationID, ProductID     int64
		Lot                           string
		Expiry                        *time.Time
		OnHand, Allocated             int
		Location, Merchant, SKU, Name string
		Held                          bool
		CountTaskID                   int64
	}
	if err := q.Order("l.walk_sequence, l.code, p.sku, s.expiry, s.id").Limit(500).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.StockPlace, len(rows))
	for i, r := range rows {
		out[i] = soko.StockPlace{
			Stock:    soko.Stock{ID: r.ID, LocationID: r.LocationID, ProductID: r.ProductID, Lot: r.Lot, Expiry: fromNull(r.Expiry), OnHand: r.OnHand, Allocated: r.Allocated},
			Location: r.Location, Merchant: r.Merchant, SKU: r.SKU, Name: r.Name, Held: r.Held, CountTaskID: r.CountTaskID,
		}
	}
	return out, nil
}

// Ledger returns the newest lines of a merchant's product's stock ledger,
// newest first, at most limit.
func (db *DB) Ledger(ctx context.Context, merchantID int64, sku string, limit int) ([]soko.LedgerLine, error) {
	var rows []struct {
		ID, StockID                 int64
		Kind, Reason, DocumentType  string
		OnHandDelta, AllocatedDelta int
		StaffID, DocumentID         *int64
		CreatedAt                   time.Time
		Location, Lot               string
		Staff                       *string
	}
	err := db.conn(ctx).Table("stock_movements sm").Joins("JOIN stock s ON s.id = sm.stock_id").
		Joins("JOIN locations l ON l.id = s.location_id").Joins("JOIN products p ON p.id = s.product_id").
		Joins("LEFT JOIN staff st ON st.id = sm.staff_id").
		Select(`sm.id, sm.stock_id, sm.kind, sm.reason, sm.document_type, sm.on_hand_delta, sm.allocated_delta, sm.staff_id,
			sm.document_id, sm.created_at, l.code AS location, s.lot, st.name AS staff`).
		Where("p.merchant_id = ? AND p.sku = ?", merchantID, sku).Order("sm.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]soko.LedgerLine, len(rows))
	for i, r := range rows {
		out[i] = soko.LedgerLine{
			StockMovement: soko.StockMovement{ID: r.ID, StockID: r.StockID, Kind: soko.MovementKind(r.Kind), OnHandDelta: r.OnHandDelta,
				AllocatedDelta: r.AllocatedDelta, StaffID: fromNullID(r.StaffID), Reason: r.Reason, DocumentType: r.DocumentType,
				DocumentID: fromNullID(r.DocumentID), CreatedAt: r.CreatedAt.UTC()},
			Location: r.Location, Lot: r.Lot,
		}
		if r.Staff != nil {
			out[i].Staff = *r.Staff
		}
	}
	return out, nil
}
