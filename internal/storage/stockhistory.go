package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// jstDate is the SQL for the date ("2006-01-02") in Japan on which
// column's time falls.
func (db *DB) jstDate(column string) string {
	if db.dialect == Postgres {
		return "to_char(" + column + " AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')"
	}
	return "strftime('%Y-%m-%d', " + column + ", '+9 hours')"
}

// DailyStock returns a merchant's product's stock at the end of each of
// the days days ending with the day now falls on in Japan, oldest first,
// summed from the product's ledger in every location.
func (db *DB) DailyStock(ctx context.Context, merchantID int64, sku string, now time.Time, days int) ([]soko.StockDay, error) {
	tx := db.conn(ctx)
	id, err := productIDOf(tx, merchantID, sku)
	if err != nil {
		return nil, err
	}
	return db.dailyStock(tx, id, now, days)
}

// productIDOf finds a merchant's product by its SKU.
func productIDOf(tx *gorm.DB, merchantID int64, sku string) (int64, error) {
	var p productRow
	if err := tx.Select("id").Where("merchant_id = ? AND sku = ?", merchantID, sku).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, soko.Errorf(soko.ENOTFOUND, "no product %s", sku).JA("商品 %s は見つかりません", sku)
		}
		return 0, translate(err)
	}
	return p.ID, nil
}

// dailyStock sums product id's ledger by day: what came before the first
// day in one sum, then each day's changes.
func (db *DB) dailyStock(tx *gorm.DB, id int64, now time.Time, days int) ([]soko.StockDay, error) {
	from := soko.StockHistoryFirstDay(now, days).UTC()
	var opening struct{ OnHand, Allocated int }
	err := tx.Raw(`SELECT COALESCE(SUM(sm.on_hand_delta), 0) AS on_hand, COALESCE(SUM(sm.allocated_delta), 0) AS allocated
		FROM stock_movements sm JOIN stock s ON s.id = sm.stock_id
		WHERE s.product_id = ? AND sm.created_at < ?`, id, from).Scan(&opening).Error
	if err != nil {
		return nil, translate(err)
	}
	var rows []struct {
		Day               string
		OnHand, Allocated int
	}
	day := db.jstDate("sm.created_at")
	err = tx.Raw(`SELECT `+day+` AS day, SUM(sm.on_hand_delta) AS on_hand, SUM(sm.allocated_delta) AS allocated
		FROM stock_movements sm JOIN stock s ON s.id = sm.stock_id
		WHERE s.product_id = ? AND sm.created_at >= ?
		GROUP BY `+day, id, from).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	changes := make(map[string]soko.StockDelta, len(rows))
	for _, r := range rows {
		changes[r.Day] = soko.StockDelta{OnHand: r.OnHand, Allocated: r.Allocated}
	}
	return soko.StockDays(now, days, soko.StockDelta{OnHand: opening.OnHand, Allocated: opening.Allocated}, changes), nil
}
