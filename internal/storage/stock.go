package storage

import (
	"context"
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
