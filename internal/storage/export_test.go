package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Conn, Transact and NowOf let the external tests reach into a DB.
func Conn(db *DB, ctx context.Context) *gorm.DB { return db.conn(ctx) }

func Transact(db *DB, ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.transact(ctx, fn)
}

func NowOf(db *DB) time.Time { return db.now() }

// StockOnHand reads one stock row's on-hand units.
func StockOnHand(db *DB, ctx context.Context, id int64) int {
	var s stockRow
	db.conn(ctx).Where("id = ?", id).Take(&s)
	return s.OnHand
}

// QueueMerchantEvent queues a merchant-wide webhook in its own transaction.
func QueueMerchantEvent(db *DB, ctx context.Context, merchantID int64, eventType string, data any) error {
	return db.transact(ctx, func(tx *gorm.DB) error { return queueMerchantEvent(tx, merchantID, eventType, data, db.now()) })
}
