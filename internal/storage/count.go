package storage

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type countKey struct {
	product int64
	lot     string
}

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
		if err := lockForUpdate(tx, db.dialect).Where("location_id = ?", loc.ID).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE count_tasks SET done_at = ? WHERE location_id = ? AND done_at IS NULL`, now, loc.ID).Error; err != nil {
			return err
		}
		if err := noteLocations(tx, loc.ID); err != nil {
			return err
		}
		counted, err := matchCountLines(c.Lines, rows)
		if err != nil {
			return err
		}
		var retry []int64
		reason := c.Reason
		if reason == "" {
			reason = "cycle count"
		}
		for _, r := range rows {
			k := countKey{r.ProductID, r.Lot}
			n := counted[k]
			delete(counted, k)
			if n == r.OnHand {
				result.Lines = append(result.Lines, soko.CountDifference{SKU: "", Lot: r.Lot, Before: r.OnHand, Counted: n})
				continue
			}
			if n < r.Allocated {
				freed, err := freeAllocated(tx, r, n, now, result)
				if err != nil {
					return err
				}
				retry = append(retry, freed...)
			}
			if err := tx.Exec(`UPDATE stock SET on_hand = ? WHERE id = ?`, n, r.ID).Error; err != nil {
				return err
			}
			if err := tx.Create(&stockMovementRow{StockID: r.ID, Kind: string(soko.MoveCount), OnHandDelta: n - r.OnHand,
				StaffID: nullID(c.StaffID), Reason: reason, DocumentType: "count", ScanID: &c.ScanID, CreatedAt: now}).Error; err != nil {
				return err
			}
			result.Lines = append(result.Lines, soko.CountDifference{Lot: r.Lot, Before: r.OnHand, Counted: n})
		}
		// What was found but not expected gets a row of its own.
		found := make([]countKey, 0, len(counted))
		for k := range counted {
			found = append(found, k)
		}
		sort.Slice(found, func(i, j int) bool {
			return found[i].product < found[j].product || (found[i].product == found[j].product && found[i].lot < found[j].lot)
		})
		for _, k := range found {
			n := counted[k]
			if n == 0 {
				continue
			}
			id, err := addStock(tx, loc.ID, k.product, k.lot, time.Time{}, n)
			if err != nil {
				return err
			}
			if err := tx.Create(&stockMovementRow{StockID: id, Kind: string(soko.MoveCount), OnHandDelta: n,
				StaffID: nullID(c.StaffID), Reason: reason, DocumentType: "count", ScanID: &c.ScanID, CreatedAt: now}).Error; err != nil {
				return err
			}
			rows = append(rows, stockRow{ID: id, ProductID: k.product, Lot: k.lot})
			result.Lines = append(result.Lines, soko.CountDifference{Lot: k.lot, Before: 0, Counted: n})
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

// matchCountLines totals the counted lines per product and lot. A line
// without a lot stands for the product's only lot at the location.
func matchCountLines(lines []soko.CountLine, rows []stockRow) (map[countKey]int, error) {
	lotsOf := map[int64][]string{}
	for _, r := range rows {
		lotsOf[r.ProductID] = append(lotsOf[r.ProductID], r.Lot)
	}
	out := map[countKey]int{}
	for _, l := range lines {
		lot := l.Lot
		if lot == "" && len(lotsOf[l.ProductID]) == 1 {
			lot = lotsOf[l.ProductID][0]
		} else if lot == "" && len(lotsOf[l.ProductID]) > 1 {
			return nil, soko.Errorf(soko.EINVALID, "this location holds several lots of the product: count each lot").
				JA("このロケーションには同じ商品の複数ロットがあります。ロットごとに数えてください").WithField("lot", "required")
		}
		out[countKey{l.ProductID, lot}] += l.Quantity
	}
	return out, nil
}

// freeAllocated takes allocations off a stock row, newest order first,
// until what stays allocated fits the counted units. Orders being picked
// become short for a supervisor; the others wait as backordered and are
// returned, to be allocated again once the count is written.
func freeAllocated(tx *gorm.DB, r stockRow, counted int, now time.Time, result *soko.CountResult) ([]int64, error) {
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
	var retry []int64
	allocated := r.Allocated
	for _, o := range orders {
		if allocated <= counted {
			break
		}
		if err := releaseOrderStock(tx, o.ID, "count", now); err != nil {
			return nil, err
		}
		allocated -= o.Open
		var row orderRow
		if err := tx.Where("id = ?", o.ID).Take(&row).Error; err != nil {
			return nil, err
		}
		order := row.order()
		from := order.Status
		action := soko.ActionBackorder
		switch order.Status {
		case soko.OrderPicking:
			action = soko.ActionShortPick
		case soko.OrderCancelRequested, soko.OrderOnHold:
			// Its stock is freed all the same — the count is what is on the
			// shelf — but it keeps its status: a cancellation goes on, and a
			// held order comes back from its hold waiting for stock (or short,
			// if it was being picked).
			if back := map[soko.OrderStatus]soko.OrderStatus{soko.OrderAllocated: soko.OrderBackordered, soko.OrderPicking: soko.OrderShort}[order.HeldFrom]; order.Status == soko.OrderOnHold && back != "" {
				if err := tx.Model(&orderRow{}).Where("id = ?", order.ID).Update("held_from", string(back)).Error; err != nil {
					return nil, err
				}
			}
			if err := recordEvent(tx, order, soko.OrderEvent{Action: soko.ActionBackorder, From: from, To: from,
				Detail: "count found fewer units: its stock was freed"}, now); err != nil {
				return nil, err
			}
			continue
		}
		if err := order.Apply(action); err != nil {
			return nil, err
		}
		if err := setStatus(tx, order, action, from, "count found fewer units", now); err != nil {
			return nil, err
		}
		if action == soko.ActionShortPick {
			result.Short = append(result.Short, o.Number)
		} else {
			retry = append(retry, o.ID)
		}
	}
	return retry, nil
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
