package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// demandWindow is how far back a product's daily demand is averaged for
// its days of cover.
const demandWindow = 28 * 24 * time.Hour

// stockCrossing is a product that just fell to its reorder point or ran out.
type stockCrossing struct {
	event        string // stock.low or stock.out
	sku, name    string
	available    int
	reorderPoint int
}

// raiseStockAlerts opens and closes the products' shortage alerts: a
// product whose promisable units (on hand − allocated − held) fall to its
// reorder point gets stock.low, one that runs out stock.out, each once per
// crossing — the alert stays open, and silent, until the product is back
// above — with one email per merchant naming them. The alert columns are
// changed by conditional updates, so of two transactions that see the
// same crossing only one alerts; products go in id order, so they cannot
// wait for each other. It runs before the feed's counters are locked.
func raiseStockAlerts(tx *gorm.DB, products []touchedProduct, now time.Time) error {
	crossings := map[int64][]stockCrossing{}
	var merchants []int64
	for _, r := range products {
		free := r.OnHand - r.Allocated - r.Held
		for _, a := range []struct {
			column, event string
			on, was       bool
		}{
			{"low_since", "stock.low", r.ReorderPoint > 0 && free <= r.ReorderPoint, r.LowSince != nil},
			{"out_since", "stock.out", free <= 0, r.OutSince != nil},
		} {
			if a.on == a.was {
				continue
			}
			crossed, err := setAlert(tx, r.ID, a.column, a.on, now)
			if err != nil {
				return err
			}
			if !crossed || !a.on {
				continue
			}
			if len(crossings[r.MerchantID]) == 0 {
				merchants = append(merchants, r.MerchantID)
			}
			crossings[r.MerchantID] = append(crossings[r.MerchantID],
				stockCrossing{event: a.event, sku: r.SKU, name: r.Name, available: max(free, 0), reorderPoint: r.ReorderPoint})
		}
	}
	for _, m := range merchants {
		for _, c := range crossings[m] {
			data := map[string]any{"sku": c.sku, "name": c.name, "available": c.available, "reorder_point": c.reorderPoint}
			if err := queueMerchantEvent(tx, m, c.event, data, now); err != nil {
				return err
			}
		}
		if err := queueShortageEmail(tx, m, crossings[m], now); err != nil {
			return err
		}
	}
	return nil
}

// setAlert opens (on) or closes a product's alert column and reports
// whether this transaction changed it.
func setAlert(tx *gorm.DB, productID int64, column string, on bool, now time.Time) (bool, error) {
	var res *gorm.DB
	if on {
		res = tx.Exec(`UPDATE products SET `+column+` = ? WHERE id = ? AND `+column+` IS NULL`, now, productID)
	} else {
		res = tx.Exec(`UPDATE products SET `+column+` = NULL WHERE id = ? AND `+column+` IS NOT NULL`, productID)
	}
	return res.RowsAffected == 1, res.Error
}

// queueShortageEmail tells the merchant, at its sender address, which
// products fell to their reorder point or ran out; without an address
// the webhooks and the console tell it.
func queueShortageEmail(tx *gorm.DB, merchantID int64, crossings []stockCrossing, now time.Time) error {
	var m merchantRow
	if err := tx.Where("id = ?", merchantID).Take(&m).Error; err != nil {
		return err
	}
	if strings.TrimSpace(m.SenderEmail) == "" {
		return nil
	}
	var lines strings.Builder
	for _, c := range crossings {
		if c.event == "stock.out" {
			fmt.Fprintf(&lines, "・%s %s：欠品（在庫がなくなりました） / out of stock\n", c.sku, c.name)
			continue
		}
		fmt.Fprintf(&lines, "・%s %s：残り %d 個（発注点 %d） / %d left, reorder point %d\n", c.sku, c.name, c.available, c.reorderPoint, c.available, c.reorderPoint)
	}
	subject := fmt.Sprintf("【在庫アラート】%s %s", crossings[0].sku, crossings[0].name)
	if len(crossings) > 1 {
		subject = fmt.Sprintf("【在庫アラート】%s ほか %d 件", crossings[0].sku, len(crossings)-1)
	}
	body := fmt.Sprintf("%s 様\n\n次の商品の在庫が発注点以下になったか、欠品しました。発注をご検討ください。\n"+
		"These products fell to their reorder point or ran out of stock.\n\n%s\nsoko 倉庫\n", m.Name, lines.String())
	payload, err := json.Marshal(soko.EmailMessage{To: m.SenderEmail, ToName: m.Name, FromName: "soko 倉庫", Subject: subject, Body: body})
	if err != nil {
		return err
	}
	return tx.Create(&outboxRow{Channel: "email", EventType: "stock.alert", MerchantID: merchantID, Payload: string(payload),
		Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now}).Error
}

// ListLowStock returns the products at or below their reorder point,
// those that ran out first, then by days of cover: their promisable units
// over their average daily demand (units allocated) of the last 28 days.
func (db *DB) ListLowStock(ctx context.Context) ([]soko.LowStock, error) {
	var rows []struct {
		ID              int64
		Code, SKU, Name string
		ReorderPoint    int
		OutSince        *time.Time
	}
	conn := db.conn(ctx)
	err := conn.Raw(`SELECT p.id, m.code, p.sku, p.name, p.reorder_point, p.out_since
		FROM products p JOIN merchants m ON m.id = p.merchant_id
		WHERE p.low_since IS NOT NULL ORDER BY m.code, p.sku`).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	figures, err := stockFiguresOf(conn, ids)
	if err != nil {
		return nil, translate(err)
	}
	var demand []struct {
		ProductID int64
		Units     int
	}
	if err := conn.Raw(`SELECT s.product_id, SUM(m.allocated_delta) AS units
		FROM stock_movements m JOIN stock s ON s.id = m.stock_id
		WHERE m.kind = 'allocate' AND m.created_at >= ? AND s.product_id IN ? GROUP BY s.product_id`,
		db.now().Add(-demandWindow), ids).Scan(&demand).Error; err != nil {
		return nil, translate(err)
	}
	perDay := map[int64]float64{}
	for _, d := range demand {
		perDay[d.ProductID] = float64(d.Units) / demandWindow.Hours() * 24
	}
	out := make([]soko.LowStock, len(rows))
	for i, r := range rows {
		f := figures[r.ID]
		out[i] = soko.LowStock{MerchantCode: r.Code, SKU: r.SKU, Name: r.Name, Available: max(f.OnHand-f.Allocated-f.Held, 0),
			ReorderPoint: r.ReorderPoint, Out: r.OutSince != nil, DailyDemand: perDay[r.ID]}
	}
	soko.SortLowStock(out)
	return out, nil
}
