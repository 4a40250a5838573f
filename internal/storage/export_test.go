package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// Conn, Transact and NowOf let the external tests reach into a DB. Conn
// is on the pool for writes, as the tests' own statements may write (a
// test's SQLite pool for reads answers only reads).
func Conn(db *DB, ctx context.Context) *gorm.DB {
	if _, ok := ctx.Value(joinedKey{}).(*joined); ok {
		return db.conn(ctx)
	}
	return db.writes.WithContext(ctx)
}

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

// ChangeStock adds one unit to each stock row in one transaction, with its
// ledger line. Without feed the transaction's stock feed is not told of
// it, so a benchmark can tell what the feed costs.
func ChangeStock(db *DB, ctx context.Context, stockIDs []int64, feed bool) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		now := db.now()
		for _, id := range stockIDs {
			if err := tx.Exec(`UPDATE stock SET on_hand = on_hand + 1 WHERE id = ?`, id).Error; err != nil {
				return err
			}
			if err := tx.Create(&stockMovementRow{StockID: id, Kind: string(soko.MoveAdjust), OnHandDelta: 1, Reason: "bench", CreatedAt: now}).Error; err != nil {
				return err
			}
		}
		if !feed {
			clear(touchedIn(tx).stock)
		}
		return nil
	})
}

// Hits returns the hits counted so far in bucket's window.
func (db *DB) Hits(ctx context.Context, bucket string, start time.Time) (int, error) {
	var hits []int
	err := db.conn(ctx).Raw(`SELECT hits FROM rate_windows WHERE bucket = ? AND window_start = ?`, bucket, start.Unix()).Scan(&hits).Error
	if err != nil || len(hits) == 0 {
		return 0, translate(err)
	}
	return hits[0], nil
}

// Deaf makes db's listener ignore notifications, or hear them again: what
// the server then forgets, its own commits made it forget.
func Deaf(db *DB, deaf bool) { db.auth.deaf.Store(deaf) }
