package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// Count applies what a counter found at a location: every difference
// becomes a count movement with the reason. When a count leaves fewer
// units than orders were promised, those orders lose their allocation and
// are allocated again elsewhere, or wait as backordered (short, for orders
// already being picked); nothing is taken from an order silently.
func (db *DB) Count(ctx context.Context, c *soko.Count, rules soko.AllocationRules) (*soko.CountResult, error) {
	now := db.now()
	result := &soko.CountResult{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: c.ScanID, StaffID: c.StaffID, Device: c.Device, Step: "count", Code: c.Location}, now); err != nil {
			return err
		}
		loc, err := findLocation(tx, c.Location)
		if err != nil {
			return err
		}
		var rows []stockRow
		if err := lockForNoKeyUpdate(tx, db.dialect).Where("location_id = ?", loc.ID).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE count_tasks SET done_at = ? WHERE location_id = ? AND done_at IS NULL`, now, loc.ID).Error; err != nil {
			return err
		}
		if err := noteLocations(tx, loc.ID); err != nil {
			return err
		}
		books := make([]soko.ShelfStock, len(rows))
		for i, r := range rows {
			books[i] = soko.ShelfStock{ProductID: r.ProductID, Lot: r.Lot, OnHand: r.OnHand, Allocated: r.Allocated}
		}
		adjustments, err := c.Adjust(books)
		if err != nil {
			return err
		}
		reason := c.LedgerReason()
		rows, retry, err := writeAdjustments(tx, loc.ID, c, reason, rows, adjustments, now, result)
		if err != nil {
			return err
		}
		if err := nameCountLines(tx, rows, result); err != nil {
			return err
		}
		if err := auditCount(tx, now, loc.ID, reason, rows, result); err != nil {
			return err
		}
		statuses, err := db.allocate(tx, retry, rules, now)
		if err != nil {
			return err
		}
		for _, id := range retry {
			st := statuses[id]
			var numbers []string
			if err := tx.Table("orders").Where("id = ?", id).Pluck("number", &numbers).Error; err != nil || len(numbers) != 1 {
				return err
			}
			if st == soko.OrderAllocated {
				result.Reallocated = append(result.Reallocated, numbers[0])
			} else {
				result.Short = append(result.Short, numbers[0])
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

// writeAdjustments writes a count's adjustments to the location's stock
// rows (the first len(rows) of them; the others are found stock that gets
// a row of its own), each change with its ledger line, and adds the lines
// to result. It returns the rows with the new ones, and the orders that
// lost their reservation and wait, backordered, to be allocated again.
func writeAdjustments(tx *gorm.DB, locationID int64, c *soko.Count, reason string, rows []stockRow, adjustments []soko.CountAdjustment,
	now time.Time, result *soko.CountResult) ([]stockRow, []int64, error) {
	var retry []int64
	booked := len(rows)
	for i, a := range adjustments {
		result.Lines = append(result.Lines, soko.CountDifference{Lot: a.Lot, Before: a.Before, Counted: a.Counted})
		if !a.Changes() {
			continue
		}
		if i >= booked {
			id, err := addStock(tx, locationID, a.ProductID, a.Lot, time.Time{}, a.Counted)
			if err != nil {
				return nil, nil, err
			}
			rows = append(rows, stockRow{ID: id, ProductID: a.ProductID, Lot: a.Lot})
		} else {
			freed, err := writeCount(tx, rows[i], a, now, result)
			if err != nil {
				return nil, nil, err
			}
			retry = append(retry, freed...)
		}
		if err := tx.Create(&stockMovementRow{StockID: rows[i].ID, Kind: string(soko.MoveCount), OnHandDelta: a.Counted - a.Before,
			StaffID: nullID(c.StaffID), Reason: reason, DocumentType: "count", ScanID: &c.ScanID, CreatedAt: now}).Error; err != nil {
			return nil, nil, err
		}
	}
	return rows, retry, nil
}

// writeCount sets a stock row's units to what was counted, first freeing
// the reservations of orders it can no longer serve (freeAllocated), and
// returns the orders that wait to be allocated again.
func writeCount(tx *gorm.DB, r stockRow, a soko.CountAdjustment, now time.Time, result *soko.CountResult) ([]int64, error) {
	var freed []int64
	if a.Overpromised > 0 {
		var err error
		if freed, err = freeAllocated(tx, r, a, now, result); err != nil {
			return nil, err
		}
	}
	return freed, tx.Exec(`UPDATE stock SET on_hand = ? WHERE id = ?`, a.Counted, r.ID).Error
}

// freeAllocated takes allocations off a stock row, newest order first,
// as many orders as soko.CountAdjustment.Losing says, and moves each as
// soko.Order.LoseCountedStock decides. Orders being picked become short
// for a supervisor and join result.Short; the backordered ones are
// returned, to be allocated again once the count is written.
func freeAllocated(tx *gorm.DB, r stockRow, a soko.CountAdjustment, now time.Time, result *soko.CountResult) ([]int64, error) {
	var orders []struct {
		ID     int64
		Number string
		Open   int
	}
	err := tx.Raw(`SELECT o.id, o.number, SUM(a.quantity - a.picked) AS open
		FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN orders o ON o.id = l.order_id
		WHERE a.stock_id = ? GROUP BY o.id, o.number HAVING SUM(a.quantity - a.picked) > 0 ORDER BY o.id DESC`, r.ID).Scan(&orders).Error
	if err != nil {
		return nil, err
	}
	open := make([]int, len(orders))
	for i, o := range orders {
		open[i] = o.Open
	}
	var retry []int64
	for _, o := range orders[:a.Losing(open)] {
		if err := releaseOrderStock(tx, o.ID, "count", now); err != nil {
			return nil, err
		}
		loss, err := loseCountedStock(tx, o.ID, now)
		if err != nil {
			return nil, err
		}
		if loss.Short {
			result.Short = append(result.Short, o.Number)
		}
		if loss.Retry {
			retry = append(retry, o.ID)
		}
	}
	return retry, nil
}

// loseCountedStock writes what soko.Order.LoseCountedStock decides for an
// order whose reservation a count freed.
func loseCountedStock(tx *gorm.DB, orderID int64, now time.Time) (soko.CountLoss, error) {
	var row orderRow
	if err := tx.Where("id = ?", orderID).Take(&row).Error; err != nil {
		return soko.CountLoss{}, err
	}
	order := row.order()
	loss, err := order.LoseCountedStock()
	if err != nil {
		return loss, err
	}
	if !loss.Kept {
		return loss, setStatus(tx, order, loss.Action, loss.From, loss.Detail, now)
	}
	if loss.HeldFromMoved {
		if err := tx.Model(&orderRow{}).Where("id = ?", order.ID).Update("held_from", string(order.HeldFrom)).Error; err != nil {
			return loss, err
		}
	}
	return loss, recordEvent(tx, order, soko.OrderEvent{Action: loss.Action, From: loss.From, To: loss.From, Detail: loss.Detail}, now)
}

// nameCountLines fills in SKU and name of the result's lines, which follow rows' order.
func nameCountLines(tx *gorm.DB, rows []stockRow, result *soko.CountResult) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ProductID
	}
	var ps []productRow
	if err := tx.Where("id IN ?", ids).Find(&ps).Error; err != nil {
		return err
	}
	byID := map[int64]productRow{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	for i := range result.Lines {
		p := byID[rows[i].ProductID]
		result.Lines[i].SKU, result.Lines[i].Name = p.SKU, p.Name
	}
	return nil
}
