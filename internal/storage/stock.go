package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type stockRow struct {
	ID         int64
	LocationID int64
	ProductID  int64
	Lot        string
	Expiry     *time.Time
	OnHand     int
	Allocated  int
}

func (stockRow) TableName() string { return "stock" }

// lockedByExpiry reads the stock rows q selects, on PostgreSQL locking them
// in id order (see lockForNoKeyUpdate), and gives them first to expire
// first, rows without an expiry last, then by id: the order a shelf gives
// out its units in.
func lockedByExpiry(q *gorm.DB, dialect string) ([]stockRow, error) {
	var rows []stockRow
	if err := lockForNoKeyUpdate(q, dialect).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b stockRow) int { return soko.CompareExpiry(fromNull(a.Expiry), fromNull(b.Expiry)) })
	return rows, nil
}

type stockMovementRow struct {
	ID             int64
	StockID        int64
	Kind           string
	OnHandDelta    int
	AllocatedDelta int
	StaffID        *int64
	Reason         string
	DocumentType   string
	DocumentID     *int64
	ScanID         *string
	CreatedAt      time.Time
}

func (stockMovementRow) TableName() string { return "stock_movements" }

// receiveStock puts units on a location and writes the ledger line in the same transaction.
func receiveStock(tx *gorm.DB, s *soko.Stock, reason string, now time.Time) error {
	row := stockRow{LocationID: s.LocationID, ProductID: s.ProductID, Lot: s.Lot, Expiry: nullTime(s.Expiry), OnHand: s.OnHand}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	s.ID = row.ID
	return tx.Create(&stockMovementRow{
		StockID: row.ID, Kind: string(soko.MoveReceive), OnHandDelta: s.OnHand, Reason: reason, CreatedAt: now,
	}).Error
}

// LedgerMismatch is a stock row whose on-hand or allocated units differ from the sum of its movements.
type LedgerMismatch struct {
	StockID                    int64
	OnHand, LedgerOnHand       int
	Allocated, LedgerAllocated int
}

// CheckLedger returns every stock row the ledger does not explain; none means the books balance.
func (db *DB) CheckLedger(ctx context.Context) ([]LedgerMismatch, error) {
	var rows []LedgerMismatch
	err := db.conn(ctx).Raw(`
		SELECT s.id AS stock_id, s.on_hand, COALESCE(SUM(m.on_hand_delta), 0) AS ledger_on_hand,
		       s.allocated, COALESCE(SUM(m.allocated_delta), 0) AS ledger_allocated
		FROM stock s LEFT JOIN stock_movements m ON m.stock_id = s.id
		GROUP BY s.id, s.on_hand, s.allocated
		HAVING s.on_hand <> COALESCE(SUM(m.on_hand_delta), 0) OR s.allocated <> COALESCE(SUM(m.allocated_delta), 0)
		ORDER BY s.id`).Scan(&rows).Error
	return rows, translate(err)
}

// StockOf returns a merchant's product's stock per lot, or ENOTFOUND.
func (db *DB) StockOf(ctx context.Context, merchantID int64, sku string) (*soko.StockSummary, error) {
	var p productRow
	if err := db.conn(ctx).Where("merchant_id = ? AND sku = ?", merchantID, sku).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no product %s", sku).JA("商品 %s は見つかりません", sku)
		}
		return nil, translate(err)
	}
	s, err := db.stockSummaries(ctx, []productRow{p})
	if err != nil {
		return nil, err
	}
	return s[0], nil
}

// ListStock returns a page of a merchant's products' stock, oldest product first.
func (db *DB) ListStock(ctx context.Context, merchantID int64, page soko.Page) ([]*soko.StockSummary, error) {
	var ps []productRow
	if err := paged(db.conn(ctx).Where("merchant_id = ?", merchantID), page, "id", "").Find(&ps).Error; err != nil {
		return nil, translate(err)
	}
	return db.stockSummaries(ctx, ps)
}

func (db *DB) stockSummaries(ctx context.Context, ps []productRow) ([]*soko.StockSummary, error) {
	out := make([]*soko.StockSummary, len(ps))
	for i, p := range ps {
		out[i] = &soko.StockSummary{ProductID: p.ID, SKU: p.SKU, Name: p.Name}
	}
	byID, ids := index(out, func(s *soko.StockSummary) int64 { return s.ProductID })
	if len(ids) == 0 {
		return out, nil
	}
	var lots []struct {
		ProductID int64
		Lot       string
		Expiry    *time.Time
		OnHand    int
		Allocated int
	}
	err := db.conn(ctx).Table("stock").
		Select("product_id, lot, expiry, SUM(on_hand) AS on_hand, SUM(allocated) AS allocated").
		Where("product_id IN ?", ids).Group("product_id, lot, expiry").Order("product_id, expiry, lot").Scan(&lots).Error
	if err != nil {
		return nil, translate(err)
	}
	figures, err := stockFiguresOf(db.conn(ctx), ids)
	if err != nil {
		return nil, translate(err)
	}
	for id, f := range figures {
		byID[id].StockFigures = f
	}
	// Where the units a pending count holds back lie, and why (Held, from
	// the figures, counts them with what is not put away yet).
	var holds []struct {
		ProductID   int64
		Lot         string
		Expiry      *time.Time
		Location    string
		Units       int
		CountTaskID int64
		Reason      string
	}
	err = db.conn(ctx).Raw(`SELECT s.product_id, s.lot, s.expiry, l.code AS location, s.on_hand - s.allocated AS units, ct.id AS count_task_id, ct.reason
		FROM stock s JOIN locations l ON l.id = s.location_id
		JOIN count_tasks ct ON ct.id = (SELECT MIN(c.id) FROM count_tasks c WHERE c.location_id = s.location_id AND c.done_at IS NULL)
		WHERE s.product_id IN ? AND s.on_hand > s.allocated
		ORDER BY s.product_id, l.walk_sequence, l.code, s.lot`, ids).Scan(&holds).Error
	if err != nil {
		return nil, translate(err)
	}
	heldLot := map[string]int{}
	for _, h := range holds {
		s := byID[h.ProductID]
		s.Holds = append(s.Holds, soko.StockHold{Location: h.Location, Lot: h.Lot, Units: h.Units, CountTaskID: h.CountTaskID, Reason: h.Reason})
		heldLot[fmt.Sprint(h.ProductID, "\x00", h.Lot, "\x00", fromNull(h.Expiry))] += h.Units
	}
	for _, l := range lots {
		s := byID[l.ProductID]
		s.Lots = append(s.Lots, soko.StockLot{Lot: l.Lot, Expiry: fromNull(l.Expiry), OnHand: l.OnHand, Allocated: l.Allocated,
			Held: heldLot[fmt.Sprint(l.ProductID, "\x00", l.Lot, "\x00", fromNull(l.Expiry))]})
	}
	return out, nil
}
